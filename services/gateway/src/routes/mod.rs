//! The gateway's own routes: the merged OpenAPI document and docs, and the
//! proxy for everything under `/api`.

use actix_web::web;

pub mod openapi;
pub mod proxy;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(openapi::config).configure(proxy::config);
}
