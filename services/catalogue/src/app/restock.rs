//! Restocks: returned goods put back on the shelf, once per restock id (the
//! caller's idempotency key: a repeat changes nothing and says so).

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, pooled_connection::deadpool::PoolError};
use shop_client::wire::catalogue::RestockResponse;
use uuid::Uuid;

use crate::{
    db::models::{restock::Restock, stock::Stock},
    domain::reservation::StockLines,
    state::AppState,
};

/// Why a restock was refused (nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum RestockError {
    /// A line names a product the catalogue does not have.
    #[error("a line names an unknown product")]
    UnknownProduct,
    /// The database failed (503 when it is unavailable).
    #[error(transparent)]
    Database(DieselError),
    /// No connection could be had (503).
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl From<DieselError> for RestockError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::UnknownProduct
            }
            other => Self::Database(other),
        }
    }
}

/// Adds the lines to stock on hand the first time `id` is seen; a repeat
/// changes nothing (`applied: false`).
#[tracing::instrument(skip(state, lines))]
pub async fn restock(
    state: &AppState,
    id: Uuid,
    lines: &StockLines,
) -> Result<RestockResponse, RestockError> {
    let mut conn = state.db.get().await?;
    let changes = conn
        .transaction::<_, RestockError, _>(async |conn| {
            if !Restock::insert_once(conn, id).await? {
                return Ok(Vec::new());
            }
            let mut changes = Vec::with_capacity(lines.as_slice().len());
            for line in lines.as_slice() {
                Restock::insert_line(conn, id, line).await?;
                changes.push(Stock::shift(conn, line.product_id, line.quantity, 0).await?);
            }
            Ok(changes)
        })
        .await?;
    state.cache.invalidate_stock(&changes).await;
    Ok(RestockResponse {
        restock_id: id,
        applied: !changes.is_empty(),
    })
}
