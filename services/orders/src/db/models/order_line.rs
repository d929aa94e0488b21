//! The `order_lines` table: what was bought, at the price paid.

use diesel::{pg::Pg, prelude::*};
use shop_client::wire::orders::OrderLine;
use uuid::Uuid;

use crate::db::schema::order_lines;

/// An order line row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = order_lines, check_for_backend(Pg))]
pub struct OrderLineRow {
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

impl OrderLineRow {
    /// The line as the wire shows it.
    pub fn to_wire(&self) -> OrderLine {
        OrderLine {
            product_id: self.product_id,
            sku: self.sku.clone(),
            name: self.name.clone(),
            quantity: self.quantity,
            unit_price_cents: self.unit_price_cents,
            line_total_cents: self.unit_price_cents * i64::from(self.quantity),
        }
    }
}
