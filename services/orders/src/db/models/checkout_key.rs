//! The `checkout_keys` table: one checkout per (user, `Idempotency-Key`), with
//! the response stored once the checkout reached an outcome.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::checkout_keys;

/// A checkout key row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = checkout_keys, check_for_backend(Pg))]
pub struct CheckoutKey {
    pub user_id: Uuid,
    pub key: String,
    pub request_hash: String,
    pub order_id: Uuid,
    pub response_status: Option<i16>,
    pub response_body: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl CheckoutKey {
    /// Claims the key; false when another request claimed it first.
    pub async fn claim(conn: &mut AsyncPgConnection, row: &Self) -> QueryResult<bool> {
        let inserted = diesel::insert_into(checkout_keys::table)
            .values(row)
            .on_conflict((checkout_keys::user_id, checkout_keys::key))
            .do_nothing()
            .execute(conn)
            .await?;
        Ok(inserted == 1)
    }

    pub async fn find(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        key: &str,
    ) -> QueryResult<Option<Self>> {
        checkout_keys::table
            .find((user_id, key))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Stores the outcome a replay will answer with (only the first one sticks).
    pub async fn store_response(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
        status: u16,
        body: &serde_json::Value,
    ) -> QueryResult<()> {
        diesel::update(
            checkout_keys::table.filter(
                checkout_keys::order_id
                    .eq(order_id)
                    .and(checkout_keys::response_status.is_null()),
            ),
        )
        .set((
            checkout_keys::response_status.eq(i16::try_from(status).unwrap_or(500)),
            checkout_keys::response_body.eq(body),
        ))
        .execute(conn)
        .await
        .map(drop)
    }
}
