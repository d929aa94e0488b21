//! The `restocks` and `restock_lines` tables: which restock ids were applied,
//! and what each put back. The workflow is `app::restock`.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::StockLine;
use uuid::Uuid;

use crate::db::schema::{restock_lines, restocks};

/// The restock queries.
pub struct Restock;

impl Restock {
    /// Records restock `id`; false when it was recorded before.
    pub async fn insert_once(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
        let inserted = diesel::insert_into(restocks::table)
            .values(restocks::id.eq(id))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok(inserted == 1)
    }

    /// Records one line of restock `id`; an unknown product is a foreign-key
    /// violation.
    pub async fn insert_line(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        line: &StockLine,
    ) -> QueryResult<()> {
        diesel::insert_into(restock_lines::table)
            .values((
                restock_lines::restock_id.eq(id),
                restock_lines::product_id.eq(line.product_id),
                restock_lines::quantity.eq(line.quantity),
            ))
            .execute(conn)
            .await
            .map(drop)
    }
}
