//! The `refunds` table: every refund orders runs (a cancellation's or a
//! return's), with how far it has come, so a failed step is retried and a
//! done one is never repeated.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{
    catalogue::StockLine,
    orders::{OrderRefundResponse, RefundCause, RefundProgress},
};
use uuid::Uuid;

use crate::db::schema::refunds;

/// A refund row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refunds, check_for_backend(Pg))]
pub struct Refund {
    pub id: Uuid,
    pub order_id: Uuid,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub cause: RefundCause,
    /// The key of every effect (payments' refund, the credit note).
    pub key: String,
    /// Catalogue applies a restock once per id.
    pub restock_id: Uuid,
    pub return_id: Option<Uuid>,
    pub return_number: Option<String>,
    pub amount_cents: i64,
    /// The goods to put back on sale: `[StockLine]`.
    pub lines: serde_json::Value,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub progress: RefundProgress,
    pub credit_note_number: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Refund {
    /// A refund that has done nothing yet.
    pub fn new(
        order_id: Uuid,
        cause: RefundCause,
        key: String,
        restock_id: Uuid,
        amount_cents: i64,
        lines: &[StockLine],
    ) -> Self {
        let now = Utc::now();
        Self {
            id: Uuid::now_v7(),
            order_id,
            cause,
            key,
            restock_id,
            return_id: None,
            return_number: None,
            amount_cents,
            lines: serde_json::to_value(lines).unwrap_or_default(),
            progress: RefundProgress::Restocking,
            credit_note_number: None,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The goods to restock.
    pub fn stock_lines(&self) -> Vec<StockLine> {
        serde_json::from_value(self.lines.clone()).unwrap_or_default()
    }

    /// Writes the refund unless one with its key exists; the refund under
    /// that key either way.
    pub async fn insert_once(conn: &mut AsyncPgConnection, refund: Self) -> QueryResult<Self> {
        let key = refund.key.clone();
        diesel::insert_into(refunds::table)
            .values(refund)
            .on_conflict(refunds::key)
            .do_nothing()
            .execute(conn)
            .await?;
        Self::by_key(conn, &key)
            .await?
            .ok_or(diesel::result::Error::NotFound)
    }

    /// The refund under `key`, if any.
    pub async fn by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Self>> {
        refunds::table
            .filter(refunds::key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The refund, locked for the rest of the transaction.
    pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Self> {
        refunds::table
            .find(id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
    }

    /// Money of the order's refunds that are not done yet (promised, not
    /// yet counted in the order's `refunded_cents`).
    pub async fn owed_for(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<i64> {
        // A handful of rows at most; summed here, since PostgreSQL's
        // sum(bigint) is a numeric.
        let owed: Vec<i64> = refunds::table
            .filter(refunds::order_id.eq(order_id))
            .filter(refunds::progress.ne(RefundProgress::Done.as_str()))
            .select(refunds::amount_cents)
            .load(conn)
            .await?;
        Ok(owed.iter().sum())
    }

    /// Refunds not done whose next attempt is due and that nobody touched
    /// for `older_than` (a request drives a new refund itself).
    pub async fn due(
        conn: &mut AsyncPgConnection,
        older_than: chrono::Duration,
        limit: i64,
    ) -> QueryResult<Vec<Self>> {
        let now = Utc::now();
        refunds::table
            .filter(refunds::progress.ne(RefundProgress::Done.as_str()))
            .filter(refunds::next_attempt_at.le(now))
            .filter(refunds::updated_at.lt(now - older_than))
            .order(refunds::next_attempt_at)
            .limit(limit)
            .select(Self::as_select())
            .load(conn)
            .await
    }

    /// A step was done: the refund moves on to `progress`.
    pub async fn advance(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        progress: RefundProgress,
        credit_note_number: Option<&str>,
    ) -> QueryResult<Self> {
        diesel::update(refunds::table.find(id))
            .set((
                refunds::progress.eq(progress.as_str()),
                credit_note_number.map(|n| refunds::credit_note_number.eq(n)),
                refunds::last_error.eq(None::<String>),
                refunds::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// A step failed: why, and when to try again.
    pub async fn failed(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        error: &str,
        next_attempt_at: DateTime<Utc>,
    ) -> QueryResult<Self> {
        diesel::update(refunds::table.find(id))
            .set((
                refunds::attempts.eq(refunds::attempts + 1),
                refunds::last_error.eq(error),
                refunds::next_attempt_at.eq(next_attempt_at),
                refunds::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The refund as fulfilment and staff see it.
    pub fn to_response(&self) -> OrderRefundResponse {
        OrderRefundResponse {
            id: self.id,
            order_id: self.order_id,
            cause: self.cause,
            key: self.key.clone(),
            amount_cents: self.amount_cents,
            progress: self.progress,
            credit_note_number: self.credit_note_number.clone(),
            last_error: self.last_error.clone(),
            created_at: self.created_at,
        }
    }
}
