//! A product's pictures (admin): upload, alt text and order, removal; and
//! one picture as anyone sees it.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use bytes::Bytes;
use futures_util::{Stream, StreamExt as _, TryStreamExt as _};
use serde::Deserialize;
use shop_client::wire::{
    ErrorCode,
    catalogue::{ImagePatch, ProductImage},
};
use shop_kit::{
    Problem,
    auth::AdminUser,
    extract::{Json, Query},
};
use uuid::Uuid;

use crate::{
    app::images::{self, Upload},
    error::ApiError,
    state::AppState,
};

/// Registers the picture routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/products/{id}/images", web::post().to(upload_image))
        .route(
            "/api/products/{id}/images/{image_id}",
            web::get().to(get_image),
        )
        .route(
            "/api/products/{id}/images/{image_id}",
            web::patch().to(patch_image),
        )
        .route(
            "/api/products/{id}/images/{image_id}",
            web::delete().to(delete_image),
        );
}

/// `?alt=` on an upload sent as a raw body.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The picture's alt text (a form's `alt` field wins over this).
    #[param(schema_with = shop_client::wire::catalogue::schemas::alt)]
    pub alt: Option<String>,
}

/// A picture's bytes, sent as the body itself.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents what `read_upload` reads
pub struct ImageBytes(Vec<u8>);

/// A multipart upload: the picture and what it shows.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents what `read_upload` reads
pub struct ImageForm {
    /// The picture: JPEG, PNG or WebP, up to `MEDIA_MAX_BYTES`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What the picture shows (up to 500 characters).
    alt: Option<String>,
}

fn too_large(max: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BodyTooLarge,
        "Payload too large",
    )
    .detail(format!("the picture is larger than {max} bytes"))
}

fn unreadable(error: impl std::fmt::Display) -> Problem {
    Problem::bad_request(
        ErrorCode::InvalidBody,
        format!("the upload cannot be read: {error}"),
    )
}

/// The bytes of `stream`, refusing past `max` (`too_large`) before more is held.
async fn read_limited<S, E>(
    mut stream: S,
    max: usize,
    too_large: impl Fn() -> Problem,
) -> Result<Vec<u8>, Problem>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The picture and its alt text, from a `multipart/form-data` body (the
/// `file` part, or the first part with a file name; an `alt` part) or a raw
/// body of any type.
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    alt: Option<String>,
    max: usize,
) -> Result<Upload, Problem> {
    // Multipart framing adds a little to the file; nothing near a second file.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|len| len > max + 64 * 1024) {
        return Err(too_large(max));
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        });
    if !multipart {
        let bytes = read_limited(payload, max, || too_large(max)).await?;
        return Ok(Upload { bytes, alt });
    }
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let (mut file, mut alt) = (None, alt);
    while let Some(field) = form.try_next().await.map_err(unreadable)? {
        let is_file = field.name() == Some("file")
            || field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .is_some();
        if is_file && file.is_none() {
            file = Some(read_limited(field, max, || too_large(max)).await?);
        } else if is_file {
            return Err(Problem::invalid_field("file", "one picture per upload"));
        } else if field.name() == Some("alt") {
            let raw = read_limited(field, 4096, || {
                Problem::invalid_field("alt", "must be at most 500 characters")
            })
            .await?;
            let text = String::from_utf8(raw)
                .map_err(|_| Problem::invalid_field("alt", "must be UTF-8 text"))?;
            alt = Some(text);
        } else {
            // Other parts are read past, within the same bound.
            read_limited(field, max, || too_large(max)).await?;
        }
    }
    let bytes = file.ok_or_else(|| Problem::invalid_field("file", "is required"))?;
    Ok(Upload { bytes, alt })
}

/// Adds a picture to a product (admin).
///
/// The body is `multipart/form-data` with a `file` part (and an optional
/// `alt` part), or the picture itself with any `Content-Type` (and `?alt=`).
/// What it is is read from its bytes: JPEG, PNG and WebP are accepted,
/// whatever the name or declared type says. It is stored without its
/// metadata (EXIF, GPS), upright, as a `large` rendering (at most 1024
/// pixels wide) and a `thumb` (at most 320), after the product's other
/// pictures.
#[utoipa::path(post, path = "/api/products/{id}/images",
    params(("id" = Uuid, Path, description = "The product's id"), UploadParams),
    request_body(content(
        (ImageForm = "multipart/form-data"),
        (ImageBytes = "application/octet-stream"),
    ), description = "The picture, in a form or as the body; a raw body may carry any `Content-Type` (`image/jpeg`...): the bytes say what it is"),
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "Stored; the picture with its links", body = ProductImage,
            headers(("Location" = String, description = "The picture's path"))),
        (status = 400, description = "The body cannot be read as the form it claims to be (`invalid_body`)"),
        (status = 404, description = "No product has this id (`not_found`)"),
        (status = 413, description = "The picture is larger than `MEDIA_MAX_BYTES` (`body_too_large`); nothing was stored"),
        (status = 415, description = "Not a JPEG, PNG or WebP picture (`image_unsupported`); nothing was stored"),
        (status = 422, description = "Truncated or corrupt (`image_invalid`), more pixels than accepted (`image_too_large`), or no `file` part or a bad `alt` (`validation_failed`); nothing was stored"),
        (status = 503, description = "The media store cannot be reached (`storage_unavailable`), or too many uploads at once (`busy`); nothing was stored"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn upload_image(
    _admin: AdminUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    params: Query<UploadParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let product = *id;
    let turn = images::admit(&state).await?;
    // Before a byte of the body is read.
    images::require_product(&state, product).await?;
    let upload = read_upload(
        &req,
        payload,
        params.into_inner().alt,
        state.uploads.max_bytes,
    )
    .await?;
    let image = images::add(&state, product, Uuid::now_v7(), upload, turn).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/products/{product}/images/{}", image.id),
        ))
        .json(image))
}

/// One picture of a product, with links signed now.
///
/// Anyone may call it (the product's own JSON has every picture).
#[utoipa::path(get, path = "/api/products/{id}/images/{image_id}",
    params(
        ("id" = Uuid, Path, description = "The product's id"),
        ("image_id" = Uuid, Path, description = "The picture's id")),
    responses(
        (status = 200, description = "The picture", body = ProductImage),
        (status = 404, description = "The product has no such picture (`not_found`)"),
    )
)]
pub async fn get_image(
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (product, image) = path.into_inner();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(images::view(&state, product, image).await?))
}

/// Changes a picture's alt text or its place among the product's pictures (admin).
///
/// A `position` past the last place puts it last; the others keep their
/// order around it.
#[utoipa::path(patch, path = "/api/products/{id}/images/{image_id}", request_body = ImagePatch,
    params(
        ("id" = Uuid, Path, description = "The product's id"),
        ("image_id" = Uuid, Path, description = "The picture's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The picture as it is now", body = ProductImage),
        (status = 404, description = "The product has no such picture (`not_found`)"),
        (status = 422, description = "`alt` or `position` is invalid (`validation_failed`)"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn patch_image(
    _admin: AdminUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<ImagePatch>,
) -> Result<HttpResponse, ApiError> {
    let (product, image) = path.into_inner();
    if body.position.is_some_and(|p| !(0..=1000).contains(&p)) {
        return Err(Problem::invalid_field("position", "must be 0 to 1000"));
    }
    Ok(HttpResponse::Ok().json(images::update(&state, product, image, &body).await?))
}

/// Removes a picture and its stored objects (admin).
///
/// Removing one that is gone already changes nothing and answers the same.
#[utoipa::path(delete, path = "/api/products/{id}/images/{image_id}",
    params(
        ("id" = Uuid, Path, description = "The product's id"),
        ("image_id" = Uuid, Path, description = "The picture's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 204, description = "Gone"),
        (status = 404, description = "No product has this id (`not_found`)"),
        (status = 503, description = "The media store cannot be reached (`storage_unavailable`); nothing was removed"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn delete_image(
    _admin: AdminUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (product, image) = path.into_inner();
    images::remove(&state, product, image).await?;
    Ok(HttpResponse::NoContent().finish())
}
