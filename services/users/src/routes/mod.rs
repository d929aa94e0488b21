//! The users service's HTTP routes; each resource module owns its own.

use actix_web::web;
use utoipa::OpenApi;

pub mod auth;

/// The users service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "users"),
    paths(auth::register),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(auth::config);
}
