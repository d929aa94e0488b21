//! The gateway's own routes: the merged OpenAPI document and docs, the
//! proxy for everything under `/api`, and the browser app ([`crate::web`]).

use actix_web::web;

pub mod openapi;
pub mod proxy;

/// Registers every route (shop-kit's server adds `X-Content-Type-Options:
/// nosniff` to every answer, the services' passed through included).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(openapi::config)
        .configure(proxy::config)
        .configure(crate::web::config);
}
