//! The users service's HTTP edge: each resource module owns its routes, parses
//! what clients send, calls a use case (or, for a plain read, the database)
//! and maps the outcome to a response.

use actix_web::{HttpRequest, web};
use utoipa::OpenApi;

pub mod admin;
pub mod auth;
pub mod internal;
pub mod me;

/// The users service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "users"),
    paths(
        auth::register,
        auth::login,
        auth::jwks,
        me::get_me,
        me::list_addresses,
        me::create_address,
        me::delete_address,
        me::get_wallet,
        admin::list_users,
        admin::get_user,
        admin::credit_wallet,
        internal::debit_wallet,
        internal::credit_wallet,
        internal::get_user,
        internal::get_address,
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(auth::config)
        .configure(me::config)
        .configure(admin::config)
        .configure(internal::config);
}

/// The client's address: the right-most `X-Forwarded-For` entry (the one the
/// gateway appended; services are reachable only through it), else the peer.
pub fn client_ip(req: &HttpRequest) -> String {
    req.headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|ip| ip.trim().to_owned())
        .filter(|ip| !ip.is_empty())
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".to_owned())
}
