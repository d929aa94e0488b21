//! Step 4: hold every line in catalogue (reservation id = order id), all or
//! none, and write `reserved` before the charge.

use shop_client::{
    ReserveError,
    wire::catalogue::{ReservationRequest, StockLine},
};
use shop_kit::Problem;

use crate::{
    db::models::{
        order::{Changes, Order},
        order_line::OrderLineRow,
    },
    domain::{outcome::ShortLine, status::OrderStatus},
    state::AppState,
};

/// What the hold came to.
pub enum Held {
    /// Every line is held; the order is `reserved`.
    Reserved(Order),
    /// Stock was short for these lines; nothing is held.
    Short(Vec<ShortLine>),
}

/// Holds the order's lines.
pub async fn reserve(
    state: &AppState,
    order: &Order,
    lines: &[OrderLineRow],
) -> Result<Held, Problem> {
    let request = ReservationRequest {
        reservation_id: order.id,
        items: lines
            .iter()
            .map(|l| StockLine {
                product_id: l.product_id,
                quantity: l.quantity,
            })
            .collect(),
        ttl_seconds: None,
    };
    match state.catalogue.reserve(&request).await {
        Ok(_) => {}
        Err(ReserveError::OutOfStock { lines: short }) => {
            return Ok(Held::Short(
                short
                    .into_iter()
                    .map(|line| ShortLine {
                        sku: lines
                            .iter()
                            .find(|l| l.product_id == line.product_id)
                            .map(|l| l.sku.clone())
                            .unwrap_or_default(),
                        product_id: line.product_id,
                        requested: line.requested,
                        available: line.available,
                    })
                    .collect(),
            ));
        }
        // The reservation id is the order id: other items under it mean
        // this order's lines changed, which they never do.
        Err(ReserveError::IdReused) => {
            return Err(Problem::internal(anyhow::anyhow!(
                "catalogue holds other items under this order's id"
            )));
        }
        Err(ReserveError::Client(error)) => return Err(error.into()),
    }
    let mut conn = state.db.get().await?;
    Order::transition(
        &mut conn,
        order.id,
        OrderStatus::Pending,
        OrderStatus::Reserved,
        Changes::default(),
    )
    .await?
    .map(Held::Reserved)
    .ok_or_else(|| Problem::internal(anyhow::anyhow!("order moved while leased")))
}
