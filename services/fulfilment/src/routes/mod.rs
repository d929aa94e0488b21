//! The fulfilment service's HTTP routes; each resource module owns its own.

pub mod admin;
pub mod internal;
pub mod returns;
pub mod shipments;

use actix_web::web;
use utoipa::OpenApi;

/// The fulfilment service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "fulfilment"),
    paths(
        admin::list_packing_tasks,
        admin::get_packing_task,
        admin::mark_packed,
        admin::mark_in_transit,
        admin::mark_delivered,
        admin::receive_return,
        shipments::get_shipment,
        shipments::get_order_shipment,
        returns::create_return,
        returns::get_return,
        internal::create_fulfilment,
        internal::get_fulfilment,
        internal::cancel_fulfilment
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(admin::config)
        .configure(shipments::config)
        .configure(returns::config)
        .configure(internal::config);
}
