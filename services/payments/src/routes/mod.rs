//! The payments service's HTTP routes; each resource module owns its own.

use actix_web::web;
use utoipa::OpenApi;

pub mod internal;
pub mod payments;

/// The payments service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "payments"),
    paths(
        payments::get_payment,
        payments::list_payments,
        internal::create_payment,
        internal::create_refund,
        internal::payment_for_order,
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(payments::config).configure(internal::config);
}
