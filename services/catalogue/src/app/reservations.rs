//! Reservations: stock held for a checkout, all lines or none, then committed
//! (sold) or released (back on sale) exactly once. The reservation id is the
//! caller's idempotency key, judged by [`shop_kit::idempotency`].
//!
//! Every product row a reservation touches is changed inside one
//! transaction, in product-id order (see [`StockLines`]); what readers had
//! cached of those products is dropped once it commits.

use diesel_async::{AsyncConnection, AsyncPgConnection, pooled_connection::deadpool::PoolError};
use shop_client::wire::catalogue::{ReservationResponse, ReservationStatus, ShortLine, StockLine};
use shop_kit::idempotency::{self, Decision, Stored};
use uuid::Uuid;

use crate::{
    db::models::{
        reservation::{Reservation, ReservationLine},
        stock::Stock,
    },
    domain::{
        reservation::{self, Ending, StockLines},
        stock::StockChange,
    },
    state::AppState,
};

/// A hold that is in place.
#[derive(Debug)]
pub enum Reserved {
    /// Made by this request.
    New(ReservationResponse),
    /// Made earlier with this id and these lines: the same hold.
    Replayed(ReservationResponse),
}

/// Where a reservation stands after a commit, release or expiry.
#[derive(Debug)]
pub enum Finished {
    /// It ended by this request; the stock moved now.
    Now(ReservationResponse),
    /// It had already ended this way; nothing moved.
    Before(ReservationResponse),
}

impl Finished {
    /// The reservation either way.
    pub fn into_response(self) -> ReservationResponse {
        match self {
            Self::Now(reservation) | Self::Before(reservation) => reservation,
        }
    }
}

/// Why a reservation call was refused (nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum ReservationError {
    /// These lines cannot be had in the quantity asked; nothing is held.
    #[error("not enough stock")]
    OutOfStock(Vec<ShortLine>),
    /// No reservation has this id.
    #[error("no such reservation")]
    NotFound,
    /// The id was used for a reservation of other lines.
    #[error("the reservation id was used for other items")]
    IdReused,
    /// A reservation with this id is being made right now.
    #[error("a reservation with this id is being made")]
    InFlight,
    /// The reservation ended another way (committed, released or expired).
    #[error("the reservation is {0}")]
    WrongState(ReservationStatus),
    /// The database failed (503 when it is unavailable).
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// No connection could be had (503).
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// Holds every line or none for `ttl`. The same id with the same lines again
/// is answered with the existing hold; with other lines it is refused.
#[tracing::instrument(skip(state, lines), fields(lines = lines.as_slice().len()))]
pub async fn reserve(
    state: &AppState,
    id: Uuid,
    lines: &StockLines,
    ttl: chrono::Duration,
) -> Result<Reserved, ReservationError> {
    let mut conn = state.db.get().await?;
    let (reserved, changes) = conn
        .transaction::<_, ReservationError, _>(async |conn| {
            let earlier = if Reservation::insert_active(conn, id, chrono::Utc::now() + ttl).await? {
                None
            } else {
                let (existing, items) = find_on(conn, id).await?;
                Some(Stored {
                    fingerprint: reservation::fingerprint(&items),
                    outcome: Some(existing.to_response(items)),
                })
            };
            match idempotency::judge(earlier, &lines.fingerprint()) {
                Ok(Decision::New) => {}
                Ok(Decision::Replay(existing)) => {
                    return Ok((Reserved::Replayed(existing), Vec::new()));
                }
                // A reservation commits with its lines; one without is not visible.
                Ok(Decision::Unfinished) => return Err(ReservationError::InFlight),
                Err(_reused) => return Err(ReservationError::IdReused),
            }
            let changes = hold_all(conn, lines).await?;
            ReservationLine::insert_all(conn, id, lines.as_slice()).await?;
            let (held, items) = find_on(conn, id).await?;
            Ok((Reserved::New(held.to_response(items)), changes))
        })
        .await?;
    state.cache.invalidate_stock(&changes).await;
    Ok(reserved)
}

/// Holds every line; when any is short, the error names every short line
/// and the caller's transaction rolls back what was held: all or nothing.
async fn hold_all(
    conn: &mut AsyncPgConnection,
    lines: &StockLines,
) -> Result<Vec<StockChange>, ReservationError> {
    let mut changes = Vec::with_capacity(lines.as_slice().len());
    let mut short = Vec::new();
    for line in lines.as_slice() {
        match Stock::hold(conn, line).await? {
            Some(change) => changes.push(change),
            None => short.push(ShortLine {
                product_id: line.product_id,
                requested: line.quantity,
                available: Stock::available(conn, line.product_id).await?,
            }),
        }
    }
    if short.is_empty() {
        Ok(changes)
    } else {
        Err(ReservationError::OutOfStock(short))
    }
}

/// Ends an active reservation `ending`'s way and moves the stock once.
/// Asking again for the end it already had answers the same; asking for
/// another end is a conflict naming where it stands.
#[tracing::instrument(skip(state))]
pub async fn finish(
    state: &AppState,
    id: Uuid,
    ending: Ending,
) -> Result<Finished, ReservationError> {
    let mut conn = state.db.get().await?;
    let (finished, changes) = conn
        .transaction::<_, ReservationError, _>(async |conn| {
            let Some(claimed) = Reservation::claim(conn, id, ending.status()).await? else {
                let (existing, items) = find_on(conn, id).await?;
                return if ending.is_done_in(existing.status) {
                    Ok((Finished::Before(existing.to_response(items)), Vec::new()))
                } else {
                    Err(ReservationError::WrongState(existing.status))
                };
            };
            let items = ReservationLine::of(conn, id).await?;
            let mut changes = Vec::with_capacity(items.len());
            for line in &items {
                let on_hand = ending.on_hand_delta(line.quantity);
                changes.push(Stock::shift(conn, line.product_id, on_hand, -line.quantity).await?);
            }
            Ok((Finished::Now(claimed.to_response(items)), changes))
        })
        .await?;
    state.cache.invalidate_stock(&changes).await;
    Ok(finished)
}

/// Where a reservation stands (recovery asks this).
#[tracing::instrument(skip(state))]
pub async fn find(state: &AppState, id: Uuid) -> Result<ReservationResponse, ReservationError> {
    let mut conn = state.db.get().await?;
    let (reservation, items) = find_on(&mut conn, id).await?;
    Ok(reservation.to_response(items))
}

async fn find_on(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> Result<(Reservation, Vec<StockLine>), ReservationError> {
    let reservation = Reservation::find(conn, id)
        .await?
        .ok_or(ReservationError::NotFound)?;
    let items = ReservationLine::of(conn, id).await?;
    Ok((reservation, items))
}
