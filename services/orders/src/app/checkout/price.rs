//! Step 2: the buyer's cart priced now through catalogue. An empty cart or
//! a product no longer sold is a 422 and nothing is written.

use actix_web::http::StatusCode;
use serde_json::json;
use shop_client::wire::ErrorCode;
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::{
        cart::{Cart, CartItem},
        order_line::OrderLineRow,
    },
    state::AppState,
};

/// The cart's lines at today's prices (without an order id yet), and the total.
pub async fn price_cart(
    state: &AppState,
    user_id: Uuid,
) -> Result<(Vec<OrderLineRow>, i64), Problem> {
    let items: Vec<CartItem> = {
        let mut conn = state.db.get().await?;
        Cart::user_items(&mut conn, user_id).await?
    };
    if items.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CartEmpty,
            "Cart is empty",
        )
        .detail("add something to the cart before checking out"));
    }
    let ids: Vec<Uuid> = items.iter().map(|i| i.product_id).collect();
    let prices = state.catalogue.prices(&ids).await?;
    let mut lines = Vec::with_capacity(items.len());
    let mut unavailable = Vec::new();
    let mut total: i64 = 0;
    for item in &items {
        match prices.iter().find(|p| p.id == item.product_id) {
            Some(price) if price.active => {
                total = price
                    .price_cents
                    .checked_mul(i64::from(item.quantity))
                    .and_then(|line| total.checked_add(line))
                    .ok_or_else(|| Problem::invalid_field("cart", "the total is too large"))?;
                lines.push(OrderLineRow {
                    order_id: Uuid::nil(),
                    product_id: item.product_id,
                    sku: price.sku.clone(),
                    name: price.name.clone(),
                    quantity: item.quantity,
                    unit_price_cents: price.price_cents,
                });
            }
            _ => unavailable.push(json!({"product_id": item.product_id, "sku": item.sku})),
        }
    }
    if !unavailable.is_empty() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ProductUnavailable,
            "Product unavailable",
        )
        .detail("some products in the cart are no longer sold; remove them first")
        .lines(unavailable));
    }
    Ok((lines, total))
}
