//! The stock columns of `products` (`stock_on_hand`, `stock_reserved`), moved
//! by reservations, restocks and the sweeper. Every change is one
//! conditional `UPDATE`: the row lock serialises concurrent buyers and the
//! condition means a unit is never held twice.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::StockLine;
use uuid::Uuid;

use crate::{db::schema::products, domain::stock::StockChange};

/// The stock queries (the columns live on `products`).
pub struct Stock;

impl Stock {
    /// Holds `line.quantity` units of an active product if that many are
    /// available; `None` (nothing changed) otherwise.
    pub async fn hold(
        conn: &mut AsyncPgConnection,
        line: &StockLine,
    ) -> QueryResult<Option<StockChange>> {
        let held: Option<(i32, i32)> = diesel::update(
            products::table.filter(
                products::id
                    .eq(line.product_id)
                    .and(products::active.eq(true))
                    .and((products::stock_on_hand - products::stock_reserved).ge(line.quantity)),
            ),
        )
        .set(products::stock_reserved.eq(products::stock_reserved + line.quantity))
        .returning((products::stock_on_hand, products::stock_reserved))
        .get_result(conn)
        .await
        .optional()?;
        Ok(held.map(|(on_hand, reserved)| {
            StockChange::between(
                line.product_id,
                (on_hand, reserved - line.quantity),
                (on_hand, reserved),
            )
        }))
    }

    /// Units of a product that could be held now: 0 for an unknown or
    /// inactive product.
    pub async fn available(conn: &mut AsyncPgConnection, product_id: Uuid) -> QueryResult<i32> {
        let row: Option<(i32, i32, bool)> = products::table
            .find(product_id)
            .select((
                products::stock_on_hand,
                products::stock_reserved,
                products::active,
            ))
            .first(conn)
            .await
            .optional()?;
        Ok(row
            .filter(|(_, _, active)| *active)
            .map_or(0, |(on_hand, reserved, _)| (on_hand - reserved).max(0)))
    }

    /// Adds `delta_on_hand` and `delta_reserved` to a product's counts.
    pub async fn shift(
        conn: &mut AsyncPgConnection,
        product_id: Uuid,
        delta_on_hand: i32,
        delta_reserved: i32,
    ) -> QueryResult<StockChange> {
        let (on_hand, reserved): (i32, i32) = diesel::update(products::table.find(product_id))
            .set((
                products::stock_on_hand.eq(products::stock_on_hand + delta_on_hand),
                products::stock_reserved.eq(products::stock_reserved + delta_reserved),
                products::updated_at.eq(diesel::dsl::now),
            ))
            .returning((products::stock_on_hand, products::stock_reserved))
            .get_result(conn)
            .await?;
        Ok(StockChange::between(
            product_id,
            (on_hand - delta_on_hand, reserved - delta_reserved),
            (on_hand, reserved),
        ))
    }
}
