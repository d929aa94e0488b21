//! Products: the list and detail (cached as shoppers see them, uncached as
//! admins do), and the admin writes.

use actix_web::{HttpRequest, HttpResponse, web};
use shop_client::wire::{
    Page,
    catalogue::{ProductPatch, ProductRequest, ProductResponse, SetStockRequest},
};
use shop_kit::{
    Problem,
    auth::{AdminUser, MaybeUser},
    extract::{Json, Query},
    http_cache::{Audience, wants_fresh},
};
use uuid::Uuid;

use crate::{
    app::products,
    domain::{listing::ListParams, product::ProductFields, stock},
    error::ApiError,
    state::AppState,
};

/// Registers the product routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/products", web::get().to(list_products))
        .route("/api/products", web::post().to(create_product))
        .route("/api/products/{id}", web::get().to(get_product))
        .route("/api/products/{id}", web::put().to(replace_product))
        .route("/api/products/{id}", web::patch().to(patch_product))
        .route("/api/products/{id}", web::delete().to(delete_product))
        .route("/api/products/{id}/stock", web::put().to(set_stock));
}

/// The `X-Cache` header: whether the cache answered.
fn x_cache(hit: bool) -> (&'static str, &'static str) {
    ("X-Cache", if hit { "HIT" } else { "MISS" })
}

/// Searches and filters the products.
///
/// Anyone may call it. A shopper (or anyone without a token) sees the
/// products on sale, the same page for every such caller (no stock counts),
/// served from the cache when it can be, with a strong `ETag` and
/// `Cache-Control: public, no-cache`: a client or shared cache may keep it
/// and revalidates with `If-None-Match`. With an admin's token the same
/// filters also find the products taken off sale, and each product carries
/// its stock counts and `active`, as `GET /api/products/{id}` shows them to
/// an admin; that page is read from the database every time
/// (`X-Cache: MISS`), never kept by the service's caches, and answered with
/// `Cache-Control: private, no-cache`. Both answers carry
/// `Vary: Authorization`, so no shared cache hands a shopper's page to an
/// admin.
#[utoipa::path(get, path = "/api/products",
    params(ListParams,
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of this page the caller holds")),
    security((), ("bearer" = [])),
    responses(
    (status = 200, description = "A page of products on sale; for an admin, of every product, with the stock counts and `active`", body = Page<ProductResponse>,
        headers(
            ("X-Cache" = String, description = "`HIT` when the cache answered, else `MISS` (always `MISS` for an admin)"),
            ("ETag" = String, description = "Strong: a hash of the body"),
            ("Cache-Control" = String, description = "`public, no-cache`, or `private, no-cache` with admin fields"),
            ("Vary" = String, description = "`Authorization`"))),
    (status = 304, description = "The caller's `If-None-Match` names the current page: no body",
        headers(("ETag" = String), ("Cache-Control" = String))),
    (status = 422, description = "A parameter is out of range (`validation_failed`, named in `fields`): `limit` not 1 to 100, `min_price_cents` above `max_price_cents`, `sort` not one of its values, or `q` / `category` too long or holding control characters"),
))]
#[tracing::instrument(skip_all)]
pub async fn list_products(
    req: HttpRequest,
    user: MaybeUser,
    state: web::Data<AppState>,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.parse()?;
    if user.0.as_ref().is_some_and(|u| u.is_admin()) {
        let page = products::list_for_admin(&state, &filter).await?;
        return Ok(page.respond(
            &req,
            Audience::Private,
            Some("Authorization"),
            &[x_cache(false)],
        ));
    }
    let page = products::list(&state, &filter, wants_fresh(&req)).await?;
    Ok(page.value.respond(
        &req,
        Audience::Public,
        Some("Authorization"),
        &[x_cache(page.hit)],
    ))
}

/// One product by id or SKU.
///
/// Anyone may call it. With an admin's token the product also carries its
/// stock counts and `active`, and products taken off sale are found too.
/// It carries a strong `ETag`; what a shopper sees is
/// `Cache-Control: public, no-cache`, what an admin sees `private, no-cache`,
/// both with `Vary: Authorization`.
#[utoipa::path(get, path = "/api/products/{id}",
    params(("id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}$", example = "KIT-001",
        description = "The product's id (a UUID) or its SKU"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` of this product the caller holds"),
        ("Cache-Control" = Option<String>, Header, description = "`no-cache`: not from any instance's memory (the gateway sends it when it fills its own cache)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The product", body = ProductResponse,
            headers(
                ("X-Cache" = String, description = "`HIT` when the cache answered, else `MISS`"),
                ("ETag" = String, description = "Strong: a hash of the body"),
                ("Cache-Control" = String, description = "`public, no-cache`, or `private, no-cache` with admin fields"),
                ("Vary" = String, description = "`Authorization`"))),
        (status = 304, description = "The caller's `If-None-Match` names the current representation: no body",
            headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 404, description = "No product on sale has this id or SKU (`not_found`); for an admin, no product at all"),
    )
)]
#[tracing::instrument(skip_all, fields(product = %path))]
pub async fn get_product(
    req: HttpRequest,
    user: MaybeUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = user.0.as_ref().is_some_and(|u| u.is_admin());
    let product = products::view(&state, &path, admin, wants_fresh(&req)).await?;
    let audience = if admin {
        Audience::Private
    } else {
        Audience::Public
    };
    Ok(product.value.respond(
        &req,
        audience,
        Some("Authorization"),
        &[x_cache(product.hit)],
    ))
}

/// Creates a product (admin).
///
/// It goes on sale at once with `stock_on_hand` units (default 0).
#[utoipa::path(post, path = "/api/products", request_body = ProductRequest,
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "The product, as an admin sees it", body = ProductResponse,
            headers(("Location" = String, description = "`/api/products/{id}`"))),
        (status = 409, description = "The SKU is taken (`already_exists`, `fields.sku`)"),
        (status = 422, description = "A field is invalid, or `category` names no category (`validation_failed`, named in `fields`)"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn create_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    body: Json<ProductRequest>,
) -> Result<HttpResponse, ApiError> {
    let fields = ProductFields::parse(&body).map_err(Problem::validation)?;
    let product = products::create(&state, &fields, body.stock_on_hand.unwrap_or(0)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/products/{}", product.id)))
        .json(product))
}

/// Replaces a product's fields (admin).
///
/// Every editable field is set from the body; `active` and the stock stay
/// as they are (`stock_on_hand` is checked but not applied).
#[utoipa::path(put, path = "/api/products/{id}", request_body = ProductRequest,
    params(("id" = Uuid, Path, description = "The product's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The product, as an admin sees it", body = ProductResponse),
        (status = 404, description = "No product has this id (`not_found`)"),
        (status = 409, description = "The SKU is another product's (`already_exists`, `fields.sku`)"),
        (status = 422, description = "A field is invalid, or `category` names no category (`validation_failed`, named in `fields`)"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn replace_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<ProductRequest>,
) -> Result<HttpResponse, ApiError> {
    let fields = ProductFields::parse(&body).map_err(Problem::validation)?;
    Ok(HttpResponse::Ok().json(products::replace(&state, *id, &fields).await?))
}

/// Changes some of a product's fields (admin).
///
/// Only the fields present and not null change; `active` takes the product
/// off sale or puts it back.
#[utoipa::path(patch, path = "/api/products/{id}", request_body = ProductPatch,
    params(("id" = Uuid, Path, description = "The product's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The product, as an admin sees it", body = ProductResponse),
        (status = 404, description = "No product has this id (`not_found`)"),
        (status = 409, description = "The SKU is another product's (`already_exists`, `fields.sku`)"),
        (status = 422, description = "A field is invalid, or `category` names no category (`validation_failed`, named in `fields`)"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn patch_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<ProductPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(products::patch(&state, *id, &body).await?))
}

/// Takes a product off sale (admin).
///
/// The product stays for past orders and for admins (with `active: false`);
/// shoppers no longer find it. Doing it again changes nothing.
#[utoipa::path(delete, path = "/api/products/{id}",
    params(("id" = Uuid, Path, description = "The product's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 204, description = "Off sale"),
        (status = 404, description = "No product has this id (`not_found`)"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn delete_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    products::take_off_sale(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the units on hand (admin).
///
/// Never below what checkouts in progress hold.
#[utoipa::path(put, path = "/api/products/{id}/stock", request_body = SetStockRequest,
    params(("id" = Uuid, Path, description = "The product's id")),
    security(("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The product, as an admin sees it", body = ProductResponse),
        (status = 404, description = "No product has this id (`not_found`)"),
        (status = 409, description = "Below the units reserved (`stock_below_reserved`)"),
        (status = 422, description = "`stock_on_hand` is not 0 to 1000000 (`validation_failed`)"),
    )
)]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn set_stock(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<SetStockRequest>,
) -> Result<HttpResponse, ApiError> {
    let on_hand = stock::on_hand(body.stock_on_hand)?;
    Ok(HttpResponse::Ok().json(products::set_stock(&state, *id, on_hand).await?))
}
