//! The orders service's HTTP routes; each resource module owns its own.

pub mod cart;
pub mod internal;
pub mod orders;

use actix_web::web;
use utoipa::OpenApi;

/// The orders service's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "orders"),
    paths(
        cart::get_cart,
        cart::add_cart_item,
        cart::update_cart_item,
        cart::remove_cart_item,
        cart::merge_cart,
        orders::create_order,
        orders::list_orders,
        orders::get_order,
        orders::get_invoice,
        orders::cancel_order,
        orders::set_order_status,
        internal::get_order_internal,
        internal::update_order_status,
        internal::receive_return,
    ),
    components(schemas(shop_client::wire::ProblemDetails))
)]
pub struct ApiDoc;

/// Registers every route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.configure(cart::config)
        .configure(orders::config)
        .configure(internal::config);
}
