//! Products: the public list and detail (cached), and the admin writes.

use actix_web::{HttpResponse, web};
use shop_client::wire::{
    Page,
    catalogue::{ProductPatch, ProductRequest, ProductResponse, SetStockRequest},
};
use shop_kit::{
    Problem,
    auth::{AdminUser, MaybeUser},
    extract::{Json, Query},
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

/// Searches and filters products on sale.
#[utoipa::path(get, path = "/api/products", params(ListParams), responses(
    (status = 200, description = "A page of products (X-Cache: HIT or MISS)", body = Page<ProductResponse>),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn list_products(
    state: web::Data<AppState>,
    params: Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.parse()?;
    let page = products::list(&state, &filter).await?;
    Ok(HttpResponse::Ok()
        .insert_header(x_cache(page.hit))
        .json(page.value))
}

/// One product by id or sku. Admins also see stock counts and inactive products.
#[utoipa::path(get, path = "/api/products/{id}", responses(
    (status = 200, description = "The product (X-Cache: HIT or MISS)", body = ProductResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(product = %path))]
pub async fn get_product(
    user: MaybeUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = user.0.as_ref().is_some_and(|u| u.is_admin());
    let product = products::view(&state, &path, admin).await?;
    Ok(HttpResponse::Ok()
        .insert_header(x_cache(product.hit))
        .json(product.value))
}

/// Creates a product.
#[utoipa::path(post, path = "/api/products", request_body = ProductRequest, responses(
    (status = 201, body = ProductResponse),
    (status = 409, description = "The sku is taken", body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
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

/// Replaces a product's fields.
#[utoipa::path(put, path = "/api/products/{id}", request_body = ProductRequest, responses(
    (status = 200, body = ProductResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
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

/// Changes some of a product's fields.
#[utoipa::path(patch, path = "/api/products/{id}", request_body = ProductPatch, responses(
    (status = 200, body = ProductResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn patch_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<ProductPatch>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(products::patch(&state, *id, &body).await?))
}

/// Takes a product off sale (it stays in past orders).
#[utoipa::path(delete, path = "/api/products/{id}", responses(
    (status = 204),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(product_id = %id))]
pub async fn delete_product(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    products::take_off_sale(&state, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sets the units on hand (never below what is reserved).
#[utoipa::path(put, path = "/api/products/{id}/stock", request_body = SetStockRequest, responses(
    (status = 200, body = ProductResponse),
    (status = 409, description = "Below what is reserved", body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
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
