//! Restocks: returned goods put back on the shelf, once per restock id.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::StockLine;
use uuid::Uuid;

use crate::db::{
    models::reservation::StockChange,
    schema::{products, restock_lines, restocks},
};
use crate::domain::stock;

/// Adds the lines to stock on hand the first time `id` is seen; a repeat
/// changes nothing. Returns the changes made (none on a repeat).
#[tracing::instrument(skip(conn, items), fields(restock_id = %id))]
pub async fn apply(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    items: &[StockLine],
) -> QueryResult<Vec<StockChange>> {
    let mut items = items.to_vec();
    items.sort_by_key(|line| line.product_id);
    conn.transaction(async |conn| {
        let inserted = diesel::insert_into(restocks::table)
            .values(restocks::id.eq(id))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            return Ok(Vec::new());
        }
        let mut changes = Vec::with_capacity(items.len());
        for line in &items {
            diesel::insert_into(restock_lines::table)
                .values((
                    restock_lines::restock_id.eq(id),
                    restock_lines::product_id.eq(line.product_id),
                    restock_lines::quantity.eq(line.quantity),
                ))
                .execute(conn)
                .await?;
            let (on_hand, reserved): (i32, i32) =
                diesel::update(products::table.find(line.product_id))
                    .set((
                        products::stock_on_hand.eq(products::stock_on_hand + line.quantity),
                        products::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning((products::stock_on_hand, products::stock_reserved))
                    .get_result(conn)
                    .await?;
            changes.push(StockChange {
                product_id: line.product_id,
                hint_before: stock::hint(on_hand - line.quantity, reserved),
                hint_after: stock::hint(on_hand, reserved),
            });
        }
        Ok(changes)
    })
    .await
}
