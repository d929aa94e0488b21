//! How the catalogue's typed failures are answered: each becomes a
//! [`shop_kit::Problem`] here, and only here.

use actix_web::http::StatusCode;
use shop_client::wire::ErrorCode;
use shop_kit::{Problem, idempotency};

use crate::{
    app::{reservations::ReservationError, restock::RestockError},
    db::models::{image::ImageDbError, product::ProductError},
    domain::image::ImageError,
};

/// Every handler returns this error; see [`shop_kit::Problem`].
pub type ApiError = Problem;

impl From<ProductError> for Problem {
    fn from(error: ProductError) -> Self {
        match error {
            ProductError::NotFound => Problem::not_found("product"),
            ProductError::UnknownCategory(_) => {
                Problem::invalid_field("category", "is not an existing category")
            }
            ProductError::BelowReserved { reserved } => Problem::conflict(
                ErrorCode::StockBelowReserved,
                format!("{reserved} units are reserved; stock on hand cannot go below that"),
            ),
            ProductError::Invalid(fields) => Problem::validation(fields),
            ProductError::Database(e) => e.into(),
        }
    }
}

impl From<ReservationError> for Problem {
    fn from(error: ReservationError) -> Self {
        match error {
            ReservationError::OutOfStock(short) => {
                Problem::conflict(ErrorCode::OutOfStock, "not enough stock for some lines").lines(
                    short
                        .iter()
                        .filter_map(|line| serde_json::to_value(line).ok())
                        .collect(),
                )
            }
            ReservationError::NotFound => Problem::not_found("reservation"),
            ReservationError::IdReused => {
                idempotency::reused().detail("this reservation id was used for different items")
            }
            ReservationError::InFlight => {
                idempotency::in_progress(ErrorCode::IdempotencyKeyInFlight)
            }
            ReservationError::WrongState(status) => Problem::new(
                StatusCode::CONFLICT,
                ErrorCode::ReservationState,
                "Conflict",
            )
            .detail(format!("the reservation is {status}")),
            ReservationError::Database(e) => e.into(),
            ReservationError::Pool(e) => e.into(),
        }
    }
}

impl From<RestockError> for Problem {
    fn from(error: RestockError) -> Self {
        match error {
            RestockError::UnknownProduct => {
                Problem::invalid_field("items", "names an unknown product")
            }
            RestockError::Database(e) => e.into(),
            RestockError::Pool(e) => e.into(),
        }
    }
}

impl From<ImageError> for Problem {
    fn from(error: ImageError) -> Self {
        let (status, code) = match error {
            ImageError::Unsupported => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::ImageUnsupported,
            ),
            ImageError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ImageInvalid),
            ImageError::TooLarge { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ImageTooLarge)
            }
        };
        let title = status.canonical_reason().unwrap_or("Bad request");
        Problem::new(status, code, title).detail(error.to_string())
    }
}

impl From<ImageDbError> for Problem {
    fn from(error: ImageDbError) -> Self {
        match error {
            ImageDbError::NoProduct => Problem::not_found("product"),
            ImageDbError::NoImage => Problem::not_found("image"),
            ImageDbError::Database(e) => e.into(),
        }
    }
}
