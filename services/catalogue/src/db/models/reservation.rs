//! The `reservations` and `reservation_lines` tables and their queries. The
//! status is stored as its wire name (`text`), mapped by the model field and
//! filtered with `ReservationStatus::as_str`; the workflow that holds,
//! commits and releases is `app::reservations`.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::{ReservationResponse, ReservationStatus, StockLine};
use uuid::Uuid;

use crate::db::schema::{reservation_lines, reservations};

/// A reservation row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reservations, check_for_backend(Pg))]
pub struct Reservation {
    pub id: Uuid,
    #[diesel(deserialize_as = String)]
    pub status: ReservationStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Reservation {
    /// Inserts an `active` reservation; false when the id exists (a
    /// concurrent insert of the same id waits for the first to commit or
    /// roll back).
    pub async fn insert_active(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> QueryResult<bool> {
        let inserted = diesel::insert_into(reservations::table)
            .values((
                reservations::id.eq(id),
                reservations::status.eq(ReservationStatus::Active.as_str()),
                reservations::expires_at.eq(expires_at),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        Ok(inserted == 1)
    }

    /// The reservation with this id.
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        reservations::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Moves the reservation from `active` to `to`; `None` when it is not
    /// active (any more), so of several callers exactly one claims it.
    pub async fn claim(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        to: ReservationStatus,
    ) -> QueryResult<Option<Self>> {
        diesel::update(
            reservations::table.filter(
                reservations::id
                    .eq(id)
                    .and(reservations::status.eq(ReservationStatus::Active.as_str())),
            ),
        )
        .set((
            reservations::status.eq(to.as_str()),
            reservations::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// Active reservations past their expiry, oldest first, at most `limit`.
    pub async fn due(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Uuid>> {
        reservations::table
            .filter(
                reservations::status
                    .eq(ReservationStatus::Active.as_str())
                    .and(reservations::expires_at.lt(diesel::dsl::now)),
            )
            .order(reservations::expires_at)
            .limit(limit)
            .select(reservations::id)
            .load(conn)
            .await
    }

    /// The reservation as the caller sees it, with its lines.
    pub fn to_response(&self, items: Vec<StockLine>) -> ReservationResponse {
        ReservationResponse {
            reservation_id: self.id,
            status: self.status,
            expires_at: self.expires_at,
            items,
        }
    }
}

/// A line of a reservation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservation_lines, check_for_backend(Pg))]
pub struct ReservationLine {
    pub reservation_id: Uuid,
    pub product_id: Uuid,
    pub quantity: i32,
}

impl ReservationLine {
    /// Records the lines of reservation `id`.
    pub async fn insert_all(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        lines: &[StockLine],
    ) -> QueryResult<()> {
        let rows: Vec<Self> = lines
            .iter()
            .map(|line| Self {
                reservation_id: id,
                product_id: line.product_id,
                quantity: line.quantity,
            })
            .collect();
        diesel::insert_into(reservation_lines::table)
            .values(&rows)
            .execute(conn)
            .await
            .map(drop)
    }

    /// The lines of reservation `id`, in product-id order.
    pub async fn of(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<StockLine>> {
        let rows: Vec<Self> = reservation_lines::table
            .filter(reservation_lines::reservation_id.eq(id))
            .order(reservation_lines::product_id)
            .select(Self::as_select())
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| StockLine {
                product_id: row.product_id,
                quantity: row.quantity,
            })
            .collect())
    }
}
