//! The `packing_tasks` table: one task per paid order, from `pending`
//! through `packed` (the courier booking is retried while it is) to
//! `shipped`, or `cancelled` before packing.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::fulfilment::FulfilmentResponse;
use uuid::Uuid;

use crate::{
    db::schema::packing_tasks,
    domain::status::{Lifecycle as _, PackingTaskStatus},
};

/// A packing task row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = packing_tasks, check_for_backend(Pg))]
pub struct PackingTask {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: PackingTaskStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Chosen when packed: the courier booking's idempotency key.
    pub shipment_id: Option<Uuid>,
    pub booking_attempts: i32,
    pub courier_error: Option<String>,
    pub next_booking_at: Option<DateTime<Utc>>,
    pub packed_at: Option<DateTime<Utc>>,
}

impl PackingTask {
    /// A new task for a paid order.
    pub fn new(order_id: Uuid, user_id: Uuid, status: PackingTaskStatus) -> Self {
        let now = Utc::now();
        Self {
            id: Uuid::now_v7(),
            order_id,
            user_id,
            status,
            created_at: now,
            updated_at: now,
            shipment_id: None,
            booking_attempts: 0,
            courier_error: None,
            next_booking_at: None,
            packed_at: None,
        }
    }

    /// Writes a new task.
    pub async fn insert(conn: &mut AsyncPgConnection, task: Self) -> QueryResult<Self> {
        diesel::insert_into(packing_tasks::table)
            .values(task)
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// A task by its id.
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        packing_tasks::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order's task, once its `order.paid` arrived.
    pub async fn for_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        packing_tasks::table
            .filter(packing_tasks::order_id.eq(order_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// A page of tasks, oldest first, optionally in one status; and the count.
    pub async fn list(
        conn: &mut AsyncPgConnection,
        status: Option<PackingTaskStatus>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let mut query = packing_tasks::table.into_boxed();
        let mut count = packing_tasks::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(packing_tasks::status.eq(status.as_str()));
            count = count.filter(packing_tasks::status.eq(status.as_str()));
        }
        let items = query
            .order((packing_tasks::created_at, packing_tasks::id))
            .limit(limit)
            .offset(offset)
            .select(Self::as_select())
            .load(conn)
            .await?;
        let total = count.count().get_result(conn).await?;
        Ok((items, total))
    }

    /// To `packed`, with the shipment id the courier booking will use;
    /// `None` when the task could not move (it was not pending).
    pub async fn mark_packed(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        let to = PackingTaskStatus::Packed;
        diesel::update(
            packing_tasks::table
                .find(id)
                .filter(packing_tasks::status.eq_any(PackingTaskStatus::sources(to))),
        )
        .set((
            packing_tasks::status.eq(to.as_str()),
            packing_tasks::shipment_id.eq(Uuid::now_v7()),
            packing_tasks::packed_at.eq(diesel::dsl::now),
            packing_tasks::next_booking_at.eq(diesel::dsl::now),
            packing_tasks::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// To `cancelled`; `None` when the task could not move (packing began).
    pub async fn mark_cancelled(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = PackingTaskStatus::Cancelled;
        diesel::update(
            packing_tasks::table
                .find(id)
                .filter(packing_tasks::status.eq_any(PackingTaskStatus::sources(to))),
        )
        .set((
            packing_tasks::status.eq(to.as_str()),
            packing_tasks::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// A task that may ship, locked for booking; `None` when it may not
    /// (not packed) or someone else is booking it right now.
    pub async fn lock_for_booking(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = PackingTaskStatus::Shipped;
        packing_tasks::table
            .find(id)
            .filter(packing_tasks::status.eq_any(PackingTaskStatus::sources(to)))
            .for_update()
            .skip_locked()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Tasks that may ship whose next booking attempt is due.
    pub async fn due_for_booking(
        conn: &mut AsyncPgConnection,
        limit: i64,
    ) -> QueryResult<Vec<Uuid>> {
        let to = PackingTaskStatus::Shipped;
        packing_tasks::table
            .filter(packing_tasks::status.eq_any(PackingTaskStatus::sources(to)))
            .filter(packing_tasks::next_booking_at.le(Utc::now()))
            .order(packing_tasks::next_booking_at)
            .limit(limit)
            .select(packing_tasks::id)
            .load(conn)
            .await
    }

    /// A refused booking: why, and when to try again.
    pub async fn booking_failed(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        error: &str,
        next: DateTime<Utc>,
    ) -> QueryResult<Self> {
        diesel::update(packing_tasks::table.find(id))
            .set((
                packing_tasks::booking_attempts.eq(packing_tasks::booking_attempts + 1),
                packing_tasks::courier_error.eq(error),
                packing_tasks::next_booking_at.eq(next),
                packing_tasks::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// Booked: to `shipped` (the caller holds the row from
    /// [`Self::lock_for_booking`], so it moves).
    pub async fn mark_shipped(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Self> {
        let to = PackingTaskStatus::Shipped;
        diesel::update(
            packing_tasks::table
                .find(id)
                .filter(packing_tasks::status.eq_any(PackingTaskStatus::sources(to))),
        )
        .set((
            packing_tasks::status.eq(to.as_str()),
            packing_tasks::booking_attempts.eq(packing_tasks::booking_attempts + 1),
            packing_tasks::courier_error.eq(None::<String>),
            packing_tasks::next_booking_at.eq(None::<DateTime<Utc>>),
            packing_tasks::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
    }

    /// What orders hears about the order's fulfilment.
    pub fn to_fulfilment(&self) -> FulfilmentResponse {
        FulfilmentResponse {
            order_id: self.order_id,
            packing_task_id: Some(self.id),
            status: self.status,
        }
    }
}
