//! `/media/{key}?expires=&sig=`: the local store's pictures, for whoever
//! holds a link the catalogue signed (the gateway routes `/media/*` here).
//! A changed character or a passed expiry is a 403; a valid link streams the
//! object with its type, an `ETag`, `Cache-Control` for as long as the link
//! lasts, and `Range` / `If-None-Match` answered.

use actix_web::{
    HttpRequest, HttpResponse,
    body::SizedStream,
    http::{StatusCode, header},
    web,
};
use futures_util::TryStreamExt as _;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use shop_client::wire::ErrorCode;
use shop_kit::{Problem, extract::Query, http_cache::revalidated};

use crate::{
    app::images::storage_unavailable,
    error::ApiError,
    media::{link::LinkError, parse_key},
    state::AppState,
};

/// Registers the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/{key:.+}", web::get().to(media));
}

/// What a signed link carries.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkParams {
    /// When the link stops working (unix seconds).
    #[param(value_type = Option<i64>)]
    expires: Option<String>,
    /// The signature (HMAC-SHA256 of the key and `expires`, base64url).
    sig: Option<String>,
}

/// The longest a picture is kept by a cache, whatever its link says.
const MAX_AGE_CAP: i64 = 365 * 86_400;

fn forbidden(error: LinkError) -> Problem {
    let code = match error {
        LinkError::Tampered => ErrorCode::LinkInvalid,
        LinkError::Expired => ErrorCode::LinkExpired,
    };
    Problem::new(StatusCode::FORBIDDEN, code, "Forbidden").detail(error.to_string())
}

/// One byte range out of `size`, as `Range` asks: `Ok(None)` for the whole
/// object (no header, several ranges, or an `If-Range` naming another
/// version), `Err` when nothing asked for exists (416).
fn wanted(req: &HttpRequest, etag: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(range) = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    let if_range = req
        .headers()
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok());
    if if_range.is_some_and(|v| v.trim() != etag) {
        return Ok(None);
    }
    let ranges = http_range_header::parse_range_header(range)
        .and_then(|parsed| parsed.validate(size))
        .map_err(drop)?;
    match ranges.as_slice() {
        [one] => Ok(Some((*one.start(), *one.end()))),
        _ => Ok(None),
    }
}

/// A picture from the local media store, by a signed link.
///
/// The links are in product JSON (`images[].url`, `thumb_url`); they are
/// not made by hand. Anyone holding one may fetch it until it expires.
#[utoipa::path(get, path = "/media/{key}",
    params(
        ("key" = String, Path, description = "The object's key: `products/{product}/{image}/{large|thumb}.{jpg|webp}` (with its slashes)"),
        LinkParams,
        ("Range" = Option<String>, Header, description = "One byte range (`bytes=0-99`, `bytes=-100`); several are answered whole"),
        ("If-None-Match" = Option<String>, Header, description = "The `ETag` the caller holds")),
    responses(
        (status = 200, description = "The picture", content_type = "image/jpeg", body = super::images::ImageBytes,
            headers(("ETag" = String), ("Cache-Control" = String, description = "`public` or `private` (`MEDIA_CACHE_CONTROL`), for as long as the link lasts"), ("Accept-Ranges" = String))),
        (status = 206, description = "The byte range asked for", body = super::images::ImageBytes,
            headers(("Content-Range" = String))),
        (status = 304, description = "The caller's `If-None-Match` names it: no body"),
        (status = 403, description = "The signature does not match (`link_invalid`) or the link expired (`link_expired`)"),
        (status = 404, description = "No such picture, or pictures are kept in a cloud store (whose own links are handed out)"),
        (status = 416, description = "The range starts past the end", headers(("Content-Range" = String))),
        (status = 503, description = "The media store cannot be reached (`storage_unavailable`)"),
    ),
    extensions(("x-path-tail" = json!(true)))
)]
pub async fn media(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    params: Query<LinkParams>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    // Cloud stores serve their own links; only keys made here are served.
    let format = parse_key(&key)
        .filter(|_| state.media.is_local())
        .ok_or_else(|| Problem::not_found("picture"))?;
    // Anything missing or misspelt is a changed link, not a bad request.
    let expires = params
        .expires
        .as_deref()
        .and_then(|e| e.parse::<i64>().ok());
    let (Some(expires), Some(sig)) = (expires, params.sig.as_deref()) else {
        return Err(forbidden(LinkError::Tampered));
    };
    let now = chrono::Utc::now().timestamp();
    state
        .media
        .links()
        .verify(&key, expires, sig, now)
        .map_err(forbidden)?;

    // The objects behind a key never change, so the key is the version.
    let etag = format!("\"{}\"", &hex(&Sha256::digest(key.as_bytes()))[..32]);
    let cache_control = format!(
        "{}, max-age={}, immutable",
        if state.media_public {
            "public"
        } else {
            "private"
        },
        (expires - now).clamp(0, MAX_AGE_CAP)
    );
    let (mut builder, not_modified) = revalidated(&req, &etag);
    builder
        .insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    if not_modified {
        return Ok(builder.finish());
    }
    let size = match state.media.size(&key).await {
        Ok(size) => size,
        Err(object_store::Error::NotFound { .. }) => return Err(Problem::not_found("picture")),
        Err(error) => return Err(storage_unavailable(error)),
    };
    let range = match wanted(&req, &etag, size) {
        Ok(range) => range,
        Err(()) => {
            return Ok(HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                .finish());
        }
    };
    let object = match state.media.get(&key, range.map(|(a, b)| a..b + 1)).await {
        Ok(object) => object,
        Err(object_store::Error::NotFound { .. }) => return Err(Problem::not_found("picture")),
        Err(error) => return Err(storage_unavailable(error)),
    };
    if let Some((start, end)) = range {
        builder
            .status(StatusCode::PARTIAL_CONTENT)
            .insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}")));
    }
    let length = object.range.end - object.range.start;
    let body = object.into_stream().map_err(|e| {
        tracing::warn!(error = %e, "a picture's stream broke off");
        actix_web::error::ErrorInternalServerError("")
    });
    Ok(builder
        .insert_header((header::CONTENT_TYPE, format.content_type()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(SizedStream::new(length, body)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
