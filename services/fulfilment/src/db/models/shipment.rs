//! The `shipments` table: one parcel per order with the courier's tracking
//! number, `booked`, then `in_transit`, then `delivered`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::fulfilment::ShipmentResponse;
use uuid::Uuid;

use crate::{
    db::schema::shipments,
    domain::status::{Lifecycle as _, ShipmentStatus},
};

/// A shipment row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = shipments, check_for_backend(Pg))]
pub struct Shipment {
    pub id: Uuid,
    pub order_id: Uuid,
    pub packing_task_id: Uuid,
    pub user_id: Uuid,
    pub courier: String,
    pub tracking_number: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: ShipmentStatus,
    pub booked_at: DateTime<Utc>,
    pub in_transit_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl Shipment {
    /// Writes a new shipment.
    pub async fn insert(conn: &mut AsyncPgConnection, row: Self) -> QueryResult<Self> {
        diesel::insert_into(shipments::table)
            .values(row)
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// A shipment by its id.
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        shipments::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order's shipment, once the courier is booked.
    pub async fn for_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        shipments::table
            .filter(shipments::order_id.eq(order_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The shipments of many tasks at once: task id -> shipment.
    pub async fn for_tasks(
        conn: &mut AsyncPgConnection,
        task_ids: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, Self>> {
        let rows: Vec<Self> = shipments::table
            .filter(shipments::packing_task_id.eq_any(task_ids))
            .select(Self::as_select())
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(|s| (s.packing_task_id, s)).collect())
    }

    /// To `in_transit`; `None` when it could not move (not booked).
    pub async fn mark_in_transit(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = ShipmentStatus::InTransit;
        diesel::update(
            shipments::table
                .find(id)
                .filter(shipments::status.eq_any(ShipmentStatus::sources(to))),
        )
        .set((
            shipments::status.eq(to.as_str()),
            shipments::in_transit_at.eq(diesel::dsl::now),
            shipments::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// To `delivered` (a parcel delivered without a pickup scan passes
    /// through `in_transit` at the same moment); `None` when it was
    /// delivered already.
    pub async fn mark_delivered(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = ShipmentStatus::Delivered;
        let now = Utc::now();
        diesel::update(
            shipments::table
                .find(id)
                .filter(shipments::status.eq_any(ShipmentStatus::sources(to))),
        )
        .set((
            shipments::status.eq(to.as_str()),
            shipments::in_transit_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(in_transit_at, now())")),
            shipments::delivered_at.eq(now),
            shipments::updated_at.eq(now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// The shipment as the buyer and staff see it.
    pub fn to_response(&self) -> ShipmentResponse {
        ShipmentResponse {
            id: self.id,
            order_id: self.order_id,
            courier: self.courier.clone(),
            tracking_number: self.tracking_number.clone(),
            status: self.status,
            booked_at: self.booked_at,
            in_transit_at: self.in_transit_at,
            delivered_at: self.delivered_at,
        }
    }
}
