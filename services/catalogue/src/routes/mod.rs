//! The catalogue's HTTP routes; each resource module owns its own.

use actix_web::web;
use utoipa::OpenApi;

pub mod cache_stats;
pub mod categories;
pub mod internal;
pub mod products;

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
        internal::create_reservation,
        internal::get_reservation,
        internal::commit_reservation,
        internal::release_reservation,
        internal::restock_products,
        internal::product_prices,
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
        .configure(internal::config);
}
