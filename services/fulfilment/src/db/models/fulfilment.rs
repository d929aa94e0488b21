//! The `fulfilments` and `packing_tasks` tables: one fulfilment and one
//! packing task per paid order, however often `order.paid` arrives.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{
    fulfilment::FulfilmentResponse,
    orders::{OrderLine, OrderPaidEvent},
    users::Address,
};
use uuid::Uuid;

use crate::db::schema::{fulfilment_cancellations, fulfilments, packing_tasks};

/// A packing task row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = packing_tasks, check_for_backend(Pg))]
pub struct PackingTask {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub shipment_id: Option<Uuid>,
    pub booking_attempts: i32,
    pub courier_error: Option<String>,
    pub next_booking_at: Option<DateTime<Utc>>,
    pub packed_at: Option<DateTime<Utc>>,
}

/// A paid order as fulfilment keeps it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fulfilments, check_for_backend(Pg))]
pub struct Fulfilment {
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub event_id: Uuid,
    pub lines: serde_json::Value,
    pub shipping_address: serde_json::Value,
    pub total_cents: i64,
    pub currency: String,
    pub paid_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Fulfilment {
    pub async fn find(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<Option<Self>> {
        fulfilments::table
            .find(order_id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order locked for the rest of the transaction (returns of one
    /// order are counted one at a time).
    pub async fn lock(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<Option<Self>> {
        fulfilments::table
            .find(order_id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    pub fn order_lines(&self) -> Vec<OrderLine> {
        serde_json::from_value(self.lines.clone()).unwrap_or_default()
    }

    pub fn address(&self) -> Option<Address> {
        serde_json::from_value(self.shipping_address.clone()).ok()
    }

    /// Many orders at once: order id -> fulfilment.
    pub async fn many(
        conn: &mut AsyncPgConnection,
        order_ids: &[Uuid],
    ) -> QueryResult<std::collections::HashMap<Uuid, Self>> {
        let rows: Vec<Self> = fulfilments::table
            .filter(fulfilments::order_id.eq_any(order_ids))
            .select(Self::as_select())
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(|f| (f.order_id, f)).collect())
    }
}

impl PackingTask {
    pub fn to_fulfilment(&self) -> FulfilmentResponse {
        FulfilmentResponse {
            order_id: self.order_id,
            packing_task_id: Some(self.id),
            status: self.status.clone(),
        }
    }

    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        packing_tasks::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// A page of tasks, oldest first, optionally in one status; and the count.
    pub async fn list(
        conn: &mut AsyncPgConnection,
        status: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let mut query = packing_tasks::table.into_boxed();
        let mut count = packing_tasks::table.into_boxed();
        if let Some(status) = status {
            query = query.filter(packing_tasks::status.eq(status.to_owned()));
            count = count.filter(packing_tasks::status.eq(status.to_owned()));
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

    /// `pending` -> `packed`, with the shipment id the courier booking will
    /// use; `None` when the task was not pending.
    pub async fn mark_packed(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        diesel::update(
            packing_tasks::table.filter(
                packing_tasks::id
                    .eq(id)
                    .and(packing_tasks::status.eq("pending")),
            ),
        )
        .set((
            packing_tasks::status.eq("packed"),
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

    /// A packed task locked for booking; `None` when it is not packed or
    /// someone else is booking it.
    pub async fn lock_for_booking(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        packing_tasks::table
            .filter(
                packing_tasks::id
                    .eq(id)
                    .and(packing_tasks::status.eq("packed")),
            )
            .for_update()
            .skip_locked()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Packed tasks whose booking is due.
    pub async fn due_for_booking(
        conn: &mut AsyncPgConnection,
        limit: i64,
    ) -> QueryResult<Vec<Uuid>> {
        packing_tasks::table
            .filter(packing_tasks::status.eq("packed"))
            .filter(packing_tasks::next_booking_at.le(Utc::now()))
            .order(packing_tasks::next_booking_at)
            .limit(limit)
            .select(packing_tasks::id)
            .load(conn)
            .await
    }

    /// A failed booking: what went wrong and when to try again.
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

    /// Booked: the task is `shipped`.
    pub async fn booked(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Self> {
        diesel::update(packing_tasks::table.find(id))
            .set((
                packing_tasks::status.eq("shipped"),
                packing_tasks::booking_attempts.eq(packing_tasks::booking_attempts + 1),
                packing_tasks::courier_error.eq(None::<String>),
                packing_tasks::next_booking_at.eq(None::<DateTime<Utc>>),
                packing_tasks::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

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
}

/// Records the paid order and its packing task, once per order id: `(task,
/// created)`. An order cancelled before its event arrived gets a
/// `cancelled` task, so nobody packs it.
pub async fn accept(
    conn: &mut AsyncPgConnection,
    event: &OrderPaidEvent,
) -> QueryResult<(PackingTask, bool)> {
    conn.transaction(async |conn| {
        let inserted = diesel::insert_into(fulfilments::table)
            .values((
                fulfilments::order_id.eq(event.order_id),
                fulfilments::user_id.eq(event.user_id),
                fulfilments::event_id.eq(event.event_id),
                fulfilments::lines.eq(serde_json::to_value(&event.lines)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?),
                fulfilments::shipping_address.eq(serde_json::to_value(&event.shipping_address)
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?),
                fulfilments::total_cents.eq(event.total_cents),
                fulfilments::currency.eq(&event.currency),
                fulfilments::paid_at.eq(event.paid_at),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            let task = PackingTask::for_order(conn, event.order_id)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            return Ok((task, false));
        }
        let cancelled: bool = diesel::select(diesel::dsl::exists(
            fulfilment_cancellations::table.find(event.order_id),
        ))
        .get_result(conn)
        .await?;
        let now = Utc::now();
        let task = diesel::insert_into(packing_tasks::table)
            .values(&PackingTask {
                id: Uuid::now_v7(),
                order_id: event.order_id,
                user_id: event.user_id,
                status: if cancelled { "cancelled" } else { "pending" }.to_owned(),
                created_at: now,
                updated_at: now,
                shipment_id: None,
                booking_attempts: 0,
                courier_error: None,
                next_booking_at: None,
                packed_at: None,
            })
            .returning(PackingTask::as_returning())
            .get_result(conn)
            .await?;
        Ok((task, true))
    })
    .await
}

/// Why a fulfilment could not be cancelled.
#[derive(Debug)]
pub enum CancelError {
    /// Packing already started.
    AlreadyPacked(String),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for CancelError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

/// Stops the order's fulfilment while its task is still `pending`. An order
/// whose event has not arrived yet is remembered as cancelled. `None`: no
/// task exists yet.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    order_id: Uuid,
) -> Result<Option<PackingTask>, CancelError> {
    conn.transaction(async |conn| {
        diesel::insert_into(fulfilment_cancellations::table)
            .values(fulfilment_cancellations::order_id.eq(order_id))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let Some(task) = PackingTask::for_order(conn, order_id).await? else {
            return Ok(None);
        };
        match task.status.as_str() {
            "cancelled" => Ok(Some(task)),
            "pending" => Ok(Some(
                diesel::update(packing_tasks::table.find(task.id))
                    .set((
                        packing_tasks::status.eq("cancelled"),
                        packing_tasks::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(PackingTask::as_returning())
                    .get_result(conn)
                    .await?,
            )),
            other => Err(CancelError::AlreadyPacked(other.to_owned())),
        }
    })
    .await
}
