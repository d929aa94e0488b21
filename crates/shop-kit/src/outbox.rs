//! The transactional outbox every event-emitting service shares: an event row
//! is written in the same transaction as the change it announces, and a
//! [`Relay`] delivers it afterwards. Rows are claimed with `FOR UPDATE SKIP
//! LOCKED` (several replicas never deliver one row at once), retried with
//! exponential backoff and jitter, and marked `dead` after `max_attempts`;
//! `outbox_events_total{event,outcome}` and `outbox_dead_events` show it.
//! The `outbox` table is created by shop-kit's own migrations
//! ([`crate::db::KIT_MIGRATIONS`]).

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl};
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};
use tokio::sync::Notify;
use uuid::Uuid;

use shop_client::{named_enum, wire::events::EventType};

use crate::{
    config::{ConfigError, Env},
    db::PgPool,
    workers::{StopSignal, Workers},
};

named_enum! {
    /// Where an outbox event stands.
    pub enum OutboxStatus ("outbox status") {
        /// Waiting for (another) delivery attempt.
        Pending => "pending",
        Delivered => "delivered",
        /// Every attempt failed: an operator must look.
        Dead => "dead",
    }
}

diesel::table! {
    /// The outbox table (the same in every service that has one).
    outbox (id) {
        id -> Uuid,
        event_type -> Text,
        aggregate_id -> Uuid,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

/// Events claimed per transaction.
const BATCH: i64 = 20;
/// How long the relay lets events gather after it was woken.
const BATCH_WINDOW: Duration = Duration::from_millis(10);

/// An outbox row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox, check_for_backend(Pg))]
pub struct OutboxEvent {
    pub id: Uuid,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub event_type: EventType,
    pub aggregate_id: Uuid,
    pub payload: serde_json::Value,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl OutboxEvent {
    /// A new pending event, due now; `id` is the event id receivers dedupe on.
    pub fn new(
        id: Uuid,
        event_type: EventType,
        aggregate_id: Uuid,
        payload: serde_json::Value,
    ) -> Self {
        let now = Utc::now();
        Self {
            id,
            event_type,
            aggregate_id,
            payload,
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            delivered_at: None,
        }
    }

    /// Writes the event; call inside the transaction of the change.
    pub async fn insert(conn: &mut AsyncPgConnection, event: Self) -> QueryResult<()> {
        diesel::insert_into(outbox::table)
            .values(event)
            .execute(conn)
            .await
            .map(drop)
    }

    /// Due events, locked for this transaction; rows other relays hold are
    /// skipped, not waited for.
    pub async fn lock_due(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Self>> {
        outbox::table
            .filter(outbox::status.eq(OutboxStatus::Pending.as_str()))
            .filter(outbox::next_attempt_at.le(Utc::now()))
            .order(outbox::next_attempt_at)
            .limit(limit)
            .for_update()
            .skip_locked()
            .select(Self::as_select())
            .load(conn)
            .await
    }

    async fn delivered(conn: &mut AsyncPgConnection, id: Uuid, attempts: i32) -> QueryResult<()> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq(OutboxStatus::Delivered.as_str()),
                outbox::attempts.eq(attempts),
                outbox::delivered_at.eq(diesel::dsl::now),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// A failed attempt: try again at `next`, or give up (`dead`).
    async fn failed(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        attempts: i32,
        error: &str,
        next: Option<DateTime<Utc>>,
    ) -> QueryResult<()> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq(if next.is_some() {
                    OutboxStatus::Pending.as_str()
                } else {
                    OutboxStatus::Dead.as_str()
                }),
                outbox::attempts.eq(attempts),
                outbox::last_error.eq(error),
                outbox::next_attempt_at.eq(next.unwrap_or_else(Utc::now)),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Events in a status.
    pub async fn count(conn: &mut AsyncPgConnection, status: OutboxStatus) -> QueryResult<i64> {
        outbox::table
            .filter(outbox::status.eq(status.as_str()))
            .count()
            .get_result(conn)
            .await
    }

    /// The events about one aggregate, oldest first.
    pub async fn for_aggregate(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<Self>> {
        outbox::table
            .filter(outbox::aggregate_id.eq(id))
            .order(outbox::created_at)
            .select(Self::as_select())
            .load(conn)
            .await
    }
}

/// Sends one event to whoever receives it.
#[async_trait::async_trait]
pub trait Deliver: Send + Sync {
    /// `Err` with a reason to try again later.
    async fn deliver(&self, event: &OutboxEvent) -> Result<(), String>;
}

/// How the relay paces itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelaySettings {
    /// Polling interval (the relay also wakes on [`Relay::wake`]).
    pub poll: Duration,
    /// Attempts before an event is `dead`.
    pub max_attempts: i32,
    /// First backoff, doubled after every failure (with jitter, at most 5 minutes).
    pub backoff: Duration,
}

impl RelaySettings {
    /// `OUTBOX_POLL_MS` (default 1000), `OUTBOX_MAX_ATTEMPTS` (10, at least
    /// 1) and `OUTBOX_BACKOFF_MS` (500).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let max_attempts = env.parse("OUTBOX_MAX_ATTEMPTS", 10)?;
        if max_attempts < 1 {
            return Err(ConfigError::new(
                "OUTBOX_MAX_ATTEMPTS",
                "must be at least 1",
            ));
        }
        Ok(Self {
            poll: env.millis("OUTBOX_POLL_MS", 1000)?,
            max_attempts,
            backoff: env.millis("OUTBOX_BACKOFF_MS", 500)?,
        })
    }
}

/// Delivers the outbox of one service.
pub struct Relay {
    db: PgPool,
    settings: RelaySettings,
    deliver: Arc<dyn Deliver>,
    wake: Notify,
    events: IntCounterVec,
    dead: IntGauge,
}

impl Relay {
    /// A relay whose metrics are registered in `registry`; the dead-letter
    /// gauge starts from what the table holds.
    pub async fn new(
        db: PgPool,
        settings: RelaySettings,
        deliver: Arc<dyn Deliver>,
        registry: &Registry,
    ) -> anyhow::Result<Arc<Self>> {
        let events = IntCounterVec::new(
            Opts::new(
                "outbox_events_total",
                "Outbox deliveries, by event and outcome",
            ),
            &["event", "outcome"],
        )?;
        let dead = IntGauge::new(
            "outbox_dead_events",
            "Outbox events that exhausted their attempts and need an operator",
        )?;
        registry.register(Box::new(events.clone()))?;
        registry.register(Box::new(dead.clone()))?;
        {
            let mut conn = db.get().await?;
            dead.set(OutboxEvent::count(&mut conn, OutboxStatus::Dead).await?);
        }
        Ok(Arc::new(Self {
            db,
            settings,
            deliver,
            wake: Notify::new(),
            events,
            dead,
        }))
    }

    /// Tells the relay a transaction just committed an event.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until `stop`: a pass on every wake-up and every poll interval.
    /// A batch in hand is finished first (its outcomes recorded); one cut
    /// off by the shutdown timeout rolls back and is delivered after the
    /// next start (receivers dedupe on the event id).
    pub async fn run(self: Arc<Self>, stop: StopSignal) {
        while !stop.is_cancelled() {
            loop {
                match self.relay_batch().await {
                    Ok(n) if n == BATCH as usize && !stop.is_cancelled() => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay pass failed");
                        break;
                    }
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                // A moment's wait after a wake-up lets events committed close
                // together go out in one batch (one transaction, not one each).
                () = self.wake.notified() => tokio::time::sleep(BATCH_WINDOW).await,
                () = tokio::time::sleep(self.settings.poll) => {}
            }
        }
    }

    /// Starts the relay among `workers`.
    pub fn spawn(self: &Arc<Self>, workers: &Workers) {
        let relay = Arc::clone(self);
        workers.spawn("outbox relay", |stop| relay.run(stop));
    }

    /// Delivers the due events it can claim; how many it claimed.
    pub async fn relay_batch(&self) -> anyhow::Result<usize> {
        let mut conn = self.db.get().await?;
        let claimed = conn
            .transaction(async |conn| {
                let events = OutboxEvent::lock_due(conn, BATCH).await?;
                // The rows stay locked while they are delivered; deliveries
                // run side by side so one slow receiver does not hold up the rest.
                let outcomes =
                    futures_util::future::join_all(events.iter().map(|e| self.deliver.deliver(e)))
                        .await;
                for (event, outcome) in events.iter().zip(outcomes) {
                    self.record(conn, event, outcome).await?;
                }
                Ok::<_, diesel::result::Error>(events.len())
            })
            .await?;
        Ok(claimed)
    }

    async fn record(
        &self,
        conn: &mut AsyncPgConnection,
        event: &OutboxEvent,
        outcome: Result<(), String>,
    ) -> QueryResult<()> {
        let attempts = event.attempts + 1;
        let kind = event.event_type.as_str();
        match outcome {
            Ok(()) => {
                OutboxEvent::delivered(conn, event.id, attempts).await?;
                self.events.with_label_values(&[kind, "delivered"]).inc();
            }
            Err(error) => {
                let next = (attempts < self.settings.max_attempts)
                    .then(|| Utc::now() + backoff(self.settings.backoff, attempts));
                OutboxEvent::failed(conn, event.id, attempts, &error, next).await?;
                if next.is_some() {
                    self.events.with_label_values(&[kind, "retried"]).inc();
                    tracing::warn!(event_id = %event.id, event = kind, attempts, %error, "event delivery failed; will retry");
                } else {
                    self.events.with_label_values(&[kind, "dead"]).inc();
                    self.dead.inc();
                    tracing::error!(event_id = %event.id, event = kind, attempts, %error, "event delivery gave up: dead-lettered");
                }
            }
        }
        Ok(())
    }
}

/// When attempt `attempts + 1` is due: [`shop_client::backoff::delay`] from now.
pub fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let wait = shop_client::backoff::delay(base, u32::try_from(attempts).unwrap_or(1));
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
}
