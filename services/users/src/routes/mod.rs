//! The users service's HTTP routes; each resource module owns its own.

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

/// Amounts are positive whole cents, below a sanity bound.
pub fn parse_amount(amount_cents: i64) -> Result<i64, shop_kit::Problem> {
    // At most one billion in major units: anything larger is a bug, not a purchase.
    if (1..=100_000_000_000).contains(&amount_cents) {
        Ok(amount_cents)
    } else {
        Err(shop_kit::Problem::invalid_field(
            "amount_cents",
            "must be a positive number of cents",
        ))
    }
}

/// A reason for the ledger: one line of 1 to 200 characters.
pub fn parse_reason(reason: &str) -> Result<String, shop_kit::Problem> {
    shop_kit::input::line(200).parse_field("reason", reason)
}

/// An idempotency key: 1 to 200 printable characters.
pub fn parse_idempotency_key(field: &str, key: &str) -> Result<String, shop_kit::Problem> {
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        Err(shop_kit::Problem::invalid_field(
            field,
            "must be 1 to 200 printable characters",
        ))
    } else {
        Ok(key.to_owned())
    }
}
