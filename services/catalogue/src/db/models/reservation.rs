//! Reservations: stock held for a checkout, all lines or none, then committed
//! (sold) or released (back on sale) exactly once.
//!
//! Every product row a reservation touches is changed with a conditional
//! `UPDATE` in product-id order inside one transaction: the row lock
//! serialises concurrent buyers, the condition means a unit is never held
//! twice, and the fixed order means two multi-line reservations cannot
//! deadlock.

use chrono::{DateTime, Duration, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::{ReservationResponse, ShortLine, StockHint, StockLine};
use uuid::Uuid;

use crate::{
    db::schema::{products, reservation_lines, reservations},
    domain::stock,
};

/// A reservation row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reservations, check_for_backend(Pg))]
pub struct Reservation {
    pub id: Uuid,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product whose stock a reservation changed, with the hint readers saw
/// before and see now (a moved hint invalidates the cached lists too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockChange {
    pub product_id: Uuid,
    pub hint_before: StockHint,
    pub hint_after: StockHint,
}

/// Why a reservation call was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReservationError {
    #[error("not enough stock")]
    OutOfStock(Vec<ShortLine>),
    #[error("no such reservation")]
    NotFound,
    #[error("the reservation id was used for other items")]
    IdReused,
    #[error("the reservation is {0}")]
    WrongState(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// The reservation as the caller sees it.
pub fn response(reservation: &Reservation, items: Vec<StockLine>) -> ReservationResponse {
    ReservationResponse {
        reservation_id: reservation.id,
        status: reservation.status.clone(),
        expires_at: reservation.expires_at,
        items,
    }
}

async fn lines(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<StockLine>> {
    let rows: Vec<(Uuid, i32)> = reservation_lines::table
        .filter(reservation_lines::reservation_id.eq(id))
        .order(reservation_lines::product_id)
        .select((reservation_lines::product_id, reservation_lines::quantity))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(product_id, quantity)| StockLine {
            product_id,
            quantity,
        })
        .collect())
}

/// Adds `delta_reserved` and `delta_on_hand` to a product, returning the
/// hint before and after.
async fn shift(
    conn: &mut AsyncPgConnection,
    product_id: Uuid,
    delta_on_hand: i32,
    delta_reserved: i32,
) -> QueryResult<StockChange> {
    let (on_hand, reserved): (i32, i32) = diesel::update(products::table.find(product_id))
        .set((
            products::stock_on_hand.eq(products::stock_on_hand + delta_on_hand),
            products::stock_reserved.eq(products::stock_reserved + delta_reserved),
            products::updated_at.eq(diesel::dsl::now),
        ))
        .returning((products::stock_on_hand, products::stock_reserved))
        .get_result(conn)
        .await?;
    Ok(StockChange {
        product_id,
        hint_before: stock::hint(on_hand - delta_on_hand, reserved - delta_reserved),
        hint_after: stock::hint(on_hand, reserved),
    })
}

/// The reservation with its lines.
pub async fn find(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> Result<(Reservation, Vec<StockLine>), ReservationError> {
    let reservation = reservations::table
        .find(id)
        .select(Reservation::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or(ReservationError::NotFound)?;
    let items = lines(conn, id).await?;
    Ok((reservation, items))
}

/// Holds every line or none. The same id with the same items again is
/// answered with the existing reservation; with other items it is refused.
#[tracing::instrument(skip(conn, items), fields(reservation_id = %id, lines = items.len()))]
pub async fn reserve(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    items: &[StockLine],
    ttl: Duration,
) -> Result<(Reservation, Vec<StockLine>, Vec<StockChange>), ReservationError> {
    let mut wanted = items.to_vec();
    wanted.sort_by_key(|line| line.product_id);
    conn.transaction(async |conn| {
        let inserted = diesel::insert_into(reservations::table)
            .values((
                reservations::id.eq(id),
                reservations::status.eq("active"),
                reservations::expires_at.eq(Utc::now() + ttl),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            let (existing, existing_items) = find(conn, id).await?;
            return if existing_items == wanted {
                Ok((existing, existing_items, Vec::new()))
            } else {
                Err(ReservationError::IdReused)
            };
        }
        let mut changes = Vec::with_capacity(wanted.len());
        let mut short = Vec::new();
        for line in &wanted {
            let held: Option<(i32, i32)> = diesel::update(
                products::table.filter(
                    products::id
                        .eq(line.product_id)
                        .and(products::active.eq(true))
                        .and(
                            (products::stock_on_hand - products::stock_reserved).ge(line.quantity),
                        ),
                ),
            )
            .set(products::stock_reserved.eq(products::stock_reserved + line.quantity))
            .returning((products::stock_on_hand, products::stock_reserved))
            .get_result(conn)
            .await
            .optional()?;
            match held {
                Some((on_hand, reserved)) => changes.push(StockChange {
                    product_id: line.product_id,
                    hint_before: stock::hint(on_hand, reserved - line.quantity),
                    hint_after: stock::hint(on_hand, reserved),
                }),
                None => {
                    let available: Option<(i32, i32, bool)> = products::table
                        .find(line.product_id)
                        .select((
                            products::stock_on_hand,
                            products::stock_reserved,
                            products::active,
                        ))
                        .first(conn)
                        .await
                        .optional()?;
                    short.push(ShortLine {
                        product_id: line.product_id,
                        requested: line.quantity,
                        available: available
                            .filter(|(_, _, active)| *active)
                            .map_or(0, |(on_hand, reserved, _)| (on_hand - reserved).max(0)),
                    });
                }
            }
        }
        if !short.is_empty() {
            // Rolls back every line held above: all or nothing.
            return Err(ReservationError::OutOfStock(short));
        }
        diesel::insert_into(reservation_lines::table)
            .values(
                wanted
                    .iter()
                    .map(|line| {
                        (
                            reservation_lines::reservation_id.eq(id),
                            reservation_lines::product_id.eq(line.product_id),
                            reservation_lines::quantity.eq(line.quantity),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .execute(conn)
            .await?;
        let (reservation, items) = find(conn, id).await?;
        Ok((reservation, items, changes))
    })
    .await
}

/// Moves an active reservation to `to` (`committed`, `released` or `expired`)
/// and adjusts the stock once. Asking again for the state it is already in
/// answers the same; asking for another final state is a conflict.
#[tracing::instrument(skip(conn), fields(reservation_id = %id))]
pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    to: &'static str,
) -> Result<(Reservation, Vec<StockLine>, Vec<StockChange>), ReservationError> {
    conn.transaction(async |conn| {
        let claimed: Option<Reservation> = diesel::update(
            reservations::table.filter(
                reservations::id
                    .eq(id)
                    .and(reservations::status.eq("active")),
            ),
        )
        .set((
            reservations::status.eq(to),
            reservations::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Reservation::as_returning())
        .get_result(conn)
        .await
        .optional()?;
        let Some(reservation) = claimed else {
            let (existing, items) = find(conn, id).await?;
            let same = existing.status == to || (to == "released" && existing.status == "expired");
            return if same {
                Ok((existing, items, Vec::new()))
            } else {
                Err(ReservationError::WrongState(existing.status))
            };
        };
        let items = lines(conn, id).await?;
        let mut changes = Vec::with_capacity(items.len());
        for line in &items {
            let delta_on_hand = if to == "committed" { -line.quantity } else { 0 };
            changes.push(shift(conn, line.product_id, delta_on_hand, -line.quantity).await?);
        }
        Ok((reservation, items, changes))
    })
    .await
}

/// Active reservations past their expiry, oldest first, at most `limit`.
pub async fn due(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Uuid>> {
    reservations::table
        .filter(
            reservations::status
                .eq("active")
                .and(reservations::expires_at.lt(diesel::dsl::now)),
        )
        .order(reservations::expires_at)
        .limit(limit)
        .select(reservations::id)
        .load(conn)
        .await
}
