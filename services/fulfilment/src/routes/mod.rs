//! The fulfilment service's HTTP routes; each resource module owns its own.

pub mod internal;
pub mod packing_tasks;
pub mod returns;
pub mod shipments;
mod status_filter;

use actix_web::web;
use utoipa::OpenApi;

/// The fulfilment service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "fulfilment"),
    paths(
        packing_tasks::list_packing_tasks,
        packing_tasks::get_packing_task,
        packing_tasks::mark_packed,
        shipments::mark_in_transit,
        shipments::mark_delivered,
        shipments::get_shipment,
        shipments::get_order_shipment,
        returns::create_return,
        returns::list_returns,
        returns::get_return,
        returns::receive_return,
        internal::create_fulfilment,
        internal::get_fulfilment,
        internal::cancel_fulfilment,
        internal::return_refunded
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(packing_tasks::config)
        .configure(shipments::config)
        .configure(returns::config)
        .configure(internal::config);
}
