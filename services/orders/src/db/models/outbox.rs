//! The transactional outbox (events written in the same transaction as the
//! change) and the record of events received from other services.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{outbox, processed_events};

/// An outbox row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox, check_for_backend(Pg))]
pub struct OutboxEvent {
    pub id: Uuid,
    pub event_type: String,
    pub aggregate_id: Uuid,
    pub payload: serde_json::Value,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl OutboxEvent {
    /// A new pending event, due now.
    pub fn new(id: Uuid, event_type: &str, aggregate_id: Uuid, payload: serde_json::Value) -> Self {
        let now = Utc::now();
        Self {
            id,
            event_type: event_type.to_owned(),
            aggregate_id,
            payload,
            status: "pending".to_owned(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            delivered_at: None,
        }
    }

    pub async fn insert(conn: &mut AsyncPgConnection, event: &Self) -> QueryResult<()> {
        diesel::insert_into(outbox::table)
            .values(event)
            .execute(conn)
            .await
            .map(drop)
    }

    /// Due events, locked for this transaction; events other relays hold are
    /// skipped, not waited for.
    pub async fn lock_due(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Self>> {
        outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::next_attempt_at.le(Utc::now()))
            .order(outbox::next_attempt_at)
            .limit(limit)
            .for_update()
            .skip_locked()
            .select(Self::as_select())
            .load(conn)
            .await
    }

    pub async fn delivered(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        attempts: i32,
    ) -> QueryResult<()> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("delivered"),
                outbox::attempts.eq(attempts),
                outbox::delivered_at.eq(diesel::dsl::now),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// A failed attempt: try again at `next`, or give up (`dead`).
    pub async fn failed(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        attempts: i32,
        error: &str,
        next: Option<DateTime<Utc>>,
    ) -> QueryResult<()> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq(if next.is_some() { "pending" } else { "dead" }),
                outbox::attempts.eq(attempts),
                outbox::last_error.eq(error),
                outbox::next_attempt_at.eq(next.unwrap_or_else(Utc::now)),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Events per status, for the metrics.
    pub async fn count(conn: &mut AsyncPgConnection, status: &str) -> QueryResult<i64> {
        outbox::table
            .filter(outbox::status.eq(status))
            .count()
            .get_result(conn)
            .await
    }

    /// An order's events (tests and admins look at these).
    pub async fn for_aggregate(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Self>> {
        outbox::table
            .filter(outbox::aggregate_id.eq(id))
            .order(outbox::created_at)
            .select(Self::as_select())
            .load(conn)
            .await
    }
}

/// Records a received event; false when it was seen before (no second effect).
pub async fn first_delivery(
    conn: &mut AsyncPgConnection,
    event_id: Uuid,
    order_id: Uuid,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(processed_events::table)
        .values((
            processed_events::event_id.eq(event_id),
            processed_events::order_id.eq(order_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}
