//! The `returns` and `return_lines` tables: RMAs, numbered `RMA-YYYY-NNNNNN`.
//! Receiving one has three steps (restock, refund, credit note through the
//! outbox); each is recorded when done so a retry skips it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::fulfilment::{ReturnLineResponse, ReturnResponse};
use uuid::Uuid;

use crate::db::schema::{return_lines, returns};

/// A return row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = returns, check_for_backend(Pg))]
pub struct Rma {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub reason: String,
    pub status: String,
    pub refund_cents: i64,
    pub restocked_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A returned line at the price paid.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = return_lines, check_for_backend(Pg))]
pub struct RmaLine {
    pub return_id: Uuid,
    pub product_id: Uuid,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// Which receiving step just finished.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    Restocked,
    Refunded,
}

impl Rma {
    pub async fn insert(
        conn: &mut AsyncPgConnection,
        rma: &Self,
        lines: &[RmaLine],
    ) -> QueryResult<()> {
        diesel::insert_into(returns::table)
            .values(rma)
            .execute(conn)
            .await?;
        diesel::insert_into(return_lines::table)
            .values(lines)
            .execute(conn)
            .await
            .map(drop)
    }

    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        returns::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    pub async fn lines(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<RmaLine>> {
        return_lines::table
            .filter(return_lines::return_id.eq(id))
            .order(return_lines::product_id)
            .select(RmaLine::as_select())
            .load(conn)
            .await
    }

    /// Units of each product already asked back for this order.
    pub async fn returned_quantities(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<HashMap<Uuid, i64>> {
        let rows: Vec<(Uuid, Option<i64>)> = return_lines::table
            .inner_join(returns::table)
            .filter(returns::order_id.eq(order_id))
            .group_by(return_lines::product_id)
            .select((
                return_lines::product_id,
                diesel::dsl::sum(return_lines::quantity),
            ))
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(product, quantity)| (product, quantity.unwrap_or(0)))
            .collect())
    }

    /// `requested` -> `received` (a received or refunded return stays as it is).
    pub async fn mark_received(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        diesel::update(
            returns::table.filter(returns::id.eq(id).and(returns::status.eq("requested"))),
        )
        .set((
            returns::status.eq("received"),
            returns::received_at.eq(diesel::dsl::now),
            returns::next_attempt_at.eq(diesel::dsl::now),
            returns::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
        Self::find(conn, id).await
    }

    /// Records a finished step.
    pub async fn step_done(conn: &mut AsyncPgConnection, id: Uuid, step: Step) -> QueryResult<()> {
        let now = Utc::now();
        let update = diesel::update(returns::table.find(id));
        match step {
            Step::Restocked => {
                update
                    .set((returns::restocked_at.eq(now), returns::updated_at.eq(now)))
                    .execute(conn)
                    .await
            }
            Step::Refunded => {
                update
                    .set((returns::refunded_at.eq(now), returns::updated_at.eq(now)))
                    .execute(conn)
                    .await
            }
        }
        .map(drop)
    }

    /// A step failed: why, and when the worker tries again.
    pub async fn step_failed(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        error: &str,
        next: DateTime<Utc>,
    ) -> QueryResult<()> {
        diesel::update(returns::table.find(id))
            .set((
                returns::attempts.eq(returns::attempts + 1),
                returns::last_error.eq(error),
                returns::next_attempt_at.eq(next),
                returns::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// `received` -> `refunded`; false when someone finished it first.
    pub async fn mark_refunded(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<bool> {
        let updated = diesel::update(
            returns::table.filter(returns::id.eq(id).and(returns::status.eq("received"))),
        )
        .set((
            returns::status.eq("refunded"),
            returns::last_error.eq(None::<String>),
            returns::next_attempt_at.eq(None::<DateTime<Utc>>),
            returns::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
        Ok(updated == 1)
    }

    /// Received returns whose next attempt is due.
    pub async fn due(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Uuid>> {
        returns::table
            .filter(returns::status.eq("received"))
            .filter(returns::next_attempt_at.le(Utc::now()))
            .order(returns::next_attempt_at)
            .limit(limit)
            .select(returns::id)
            .load(conn)
            .await
    }

    pub fn to_response(&self, lines: &[RmaLine]) -> ReturnResponse {
        ReturnResponse {
            id: self.id,
            number: self.number.clone(),
            order_id: self.order_id,
            user_id: self.user_id,
            status: self.status.clone(),
            reason: self.reason.clone(),
            lines: lines
                .iter()
                .map(|l| ReturnLineResponse {
                    product_id: l.product_id,
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                })
                .collect(),
            refund_cents: self.refund_cents,
            restocked: self.restocked_at.is_some(),
            refunded: self.refunded_at.is_some(),
            last_error: self.last_error.clone(),
            created_at: self.created_at,
            received_at: self.received_at,
            refunded_at: self.refunded_at,
        }
    }
}
