//! The fulfilment service's HTTP routes; each resource module owns its own.

pub mod internal;

use actix_web::web;
use utoipa::OpenApi;

/// The fulfilment service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "fulfilment"),
    paths(
        internal::create_fulfilment,
        internal::get_fulfilment,
        internal::cancel_fulfilment
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(internal::config);
}
