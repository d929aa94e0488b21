//! The catalogue's HTTP routes; each resource module owns its own.

use actix_web::web;
use utoipa::OpenApi;

pub mod categories;

/// The catalogue's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "catalogue"),
    paths(categories::list_categories),
    components(schemas(
        shop_client::wire::catalogue::CategoryResponse,
        shop_client::wire::ProblemDetails
    ))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(categories::config);
}
