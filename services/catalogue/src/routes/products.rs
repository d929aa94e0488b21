//! Products: the public list and detail (cached), and the admin writes.

use actix_web::{HttpResponse, web};
use shop_client::wire::{
    Page,
    catalogue::{ProductPatch, ProductRequest, ProductResponse, SetStockRequest},
};
use shop_kit::{
    Problem,
    auth::{AdminUser, MaybeUser},
};
use uuid::Uuid;

use crate::{
    db::models::product::ProductRecord,
    domain::{listing::ListParams, product::ProductFields},
    error::ApiError,
    startup::AppState,
};
use shop_kit::extract::{Json, Query};

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

fn cached(hit: bool) -> (&'static str, &'static str) {
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
    let key = filter.cache_key();
    let lookup = state.cache.list::<Page<ProductResponse>>(&key).await;
    if let Some(page) = &lookup.value {
        return Ok(HttpResponse::Ok().insert_header(cached(true)).json(page));
    }
    let (rows, total) = {
        let mut conn = state.db.get().await?;
        ProductRecord::list(&mut conn, &filter).await?
    };
    let page = Page {
        items: rows
            .iter()
            .map(|r| r.to_response(&state.currency, false))
            .collect(),
        total,
        limit: filter.limit,
        offset: filter.offset,
    };
    state.cache.store_list(&key, &lookup, &page).await;
    Ok(HttpResponse::Ok().insert_header(cached(false)).json(page))
}

/// The product with this id, or this sku.
async fn load(state: &AppState, id_or_sku: &str) -> Result<Option<(ProductRecord, bool)>, Problem> {
    let (id, sku) = match Uuid::parse_str(id_or_sku) {
        Ok(id) => (id, None),
        // Nothing that could not be a sku reaches Redis or Postgres.
        Err(_) if !crate::domain::product::is_sku(id_or_sku) => return Ok(None),
        Err(_) => {
            let id = match state.cache.sku(id_or_sku).await {
                Some(id) => id,
                None => {
                    let mut conn = state.db.get().await?;
                    let Some(id) = ProductRecord::id_for_sku(&mut conn, id_or_sku).await? else {
                        return Ok(None);
                    };
                    state.cache.store_sku(id_or_sku, id).await;
                    id
                }
            };
            (id, Some(id_or_sku))
        }
    };
    let lookup = state.cache.product::<ProductRecord>(id).await;
    let (record, hit) = match lookup.value.clone() {
        Some(record) => (record, true),
        None => {
            let mut conn = state.db.get().await?;
            let Some(record) = ProductRecord::find(&mut conn, id).await? else {
                return Ok(None);
            };
            state.cache.store_product(id, &lookup, &record).await;
            (record, false)
        }
    };
    // A remembered sku may since have moved to another product.
    if sku.is_some_and(|sku| sku != record.sku) {
        let mut conn = state.db.get().await?;
        let Some(id) = ProductRecord::id_for_sku(&mut conn, id_or_sku).await? else {
            return Ok(None);
        };
        state.cache.store_sku(id_or_sku, id).await;
        return Ok(ProductRecord::find(&mut conn, id)
            .await?
            .map(|r| (r, false)));
    }
    Ok(Some((record, hit)))
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
    let (record, hit) = load(&state, &path)
        .await?
        .ok_or_else(|| Problem::not_found("product"))?;
    if !record.active && !admin {
        return Err(Problem::not_found("product"));
    }
    Ok(HttpResponse::Ok()
        .insert_header(cached(hit))
        .json(record.to_response(&state.currency, admin)))
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
    let mut conn = state.db.get().await?;
    let record = ProductRecord::insert(&mut conn, &fields, body.stock_on_hand.unwrap_or(0)).await?;
    state.cache.invalidate(&[record.id], true).await;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/products/{}", record.id)))
        .json(record.to_response(&state.currency, true)))
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
    let mut conn = state.db.get().await?;
    let (_, after) = ProductRecord::update(&mut conn, *id, &fields, None).await?;
    state.cache.invalidate(&[after.id], true).await;
    Ok(HttpResponse::Ok().json(after.to_response(&state.currency, true)))
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
    let mut conn = state.db.get().await?;
    let (_, after) = ProductRecord::patch(&mut conn, *id, &body).await?;
    state.cache.invalidate(&[after.id], true).await;
    Ok(HttpResponse::Ok().json(after.to_response(&state.currency, true)))
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
    let mut conn = state.db.get().await?;
    ProductRecord::deactivate(&mut conn, *id).await?;
    state.cache.invalidate(&[*id], true).await;
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
    if !(0..=1_000_000).contains(&body.stock_on_hand) {
        return Err(Problem::invalid_field(
            "stock_on_hand",
            "must be between 0 and 1000000",
        ));
    }
    let mut conn = state.db.get().await?;
    let (before, after) = ProductRecord::set_stock(&mut conn, *id, body.stock_on_hand).await?;
    let hint_moved = crate::domain::stock::hint(before.stock_on_hand, before.stock_reserved)
        != crate::domain::stock::hint(after.stock_on_hand, after.stock_reserved);
    state.cache.invalidate(&[after.id], hint_moved).await;
    Ok(HttpResponse::Ok().json(after.to_response(&state.currency, true)))
}
