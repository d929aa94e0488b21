//! The catalogue's HTTP edge: each resource module owns its routes, parses
//! what clients send, calls a use case (or, for a plain read, the database)
//! and maps the outcome to a response. `reservations`, `restocks` and
//! `prices` are `/internal/*`: never routed by the gateway, and every call
//! must carry `X-Internal-Token`.

use actix_web::web;
use utoipa::OpenApi;

pub mod cache_stats;
pub mod categories;
pub mod prices;
pub mod products;
pub mod reservations;
pub mod restocks;

/// The catalogue's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "catalogue"),
    paths(
        categories::list_categories,
        categories::create_category,
        products::list_products,
        products::get_product,
        products::create_product,
        products::replace_product,
        products::patch_product,
        products::delete_product,
        products::set_stock,
        cache_stats::cache_stats,
        reservations::create_reservation,
        reservations::get_reservation,
        reservations::commit_reservation,
        reservations::release_reservation,
        restocks::restock_products,
        prices::product_prices,
    ),
    components(schemas(
        shop_client::wire::catalogue::CategoryResponse,
        shop_client::wire::ProblemDetails
    ))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(categories::config)
        .configure(products::config)
        .configure(cache_stats::config)
        .configure(reservations::config)
        .configure(restocks::config)
        .configure(prices::config);
}
