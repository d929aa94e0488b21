//! The `checkout_keys` table: one checkout per (user, `Idempotency-Key`), with
//! the response stored once the checkout reached an outcome.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::{order::Order, order_line::OrderLineRow};
use crate::{db::schema::checkout_keys, domain::outcome::Reply};

/// Who holds a key after a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimed {
    /// This request: its order was written with the key.
    ByUs,
    /// A request that claimed it first; nothing was written.
    ByAnother,
}

/// Why the claim's transaction did not commit.
enum ClaimError {
    Taken,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for ClaimError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

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
    /// Writes the order, its lines and the key in one transaction; when
    /// another request claimed the key first, nothing is written.
    pub async fn claim_with_order(
        conn: &mut AsyncPgConnection,
        order: &Order,
        lines: &[OrderLineRow],
        user_id: Uuid,
        key: &str,
        fingerprint: &str,
    ) -> QueryResult<Claimed> {
        let row = Self {
            user_id,
            key: key.to_owned(),
            request_hash: fingerprint.to_owned(),
            order_id: order.id,
            response_status: None,
            response_body: None,
            created_at: order.created_at,
        };
        let result = conn
            .transaction(async |conn| {
                Order::insert(conn, order, lines).await?;
                let inserted = diesel::insert_into(checkout_keys::table)
                    .values(&row)
                    .on_conflict((checkout_keys::user_id, checkout_keys::key))
                    .do_nothing()
                    .execute(conn)
                    .await?;
                // Taken: the error rolls the order back.
                if inserted == 1 {
                    Ok(())
                } else {
                    Err(ClaimError::Taken)
                }
            })
            .await;
        match result {
            Ok(()) => Ok(Claimed::ByUs),
            Err(ClaimError::Taken) => Ok(Claimed::ByAnother),
            Err(ClaimError::Db(error)) => Err(error),
        }
    }

    /// The reply stored for the key, once the checkout had an outcome.
    pub fn reply(&self) -> Option<Reply> {
        Some(Reply {
            status: u16::try_from(self.response_status?).ok()?,
            body: self.response_body.clone()?,
        })
    }

    /// The key's row, if it was claimed.
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
    pub async fn store_reply(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
        reply: &Reply,
    ) -> QueryResult<()> {
        diesel::update(
            checkout_keys::table.filter(
                checkout_keys::order_id
                    .eq(order_id)
                    .and(checkout_keys::response_status.is_null()),
            ),
        )
        .set((
            checkout_keys::response_status.eq(i16::try_from(reply.status).unwrap_or(500)),
            checkout_keys::response_body.eq(&reply.body),
        ))
        .execute(conn)
        .await
        .map(drop)
    }
}
