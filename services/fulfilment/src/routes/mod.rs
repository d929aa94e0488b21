//! The fulfilment service's HTTP routes; each resource module owns its own.

use actix_web::web;
use utoipa::OpenApi;

/// The fulfilment service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "fulfilment"),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route (the resources arrive with their issues).
pub fn config(_cfg: &mut web::ServiceConfig) {}
