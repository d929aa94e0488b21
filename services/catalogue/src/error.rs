//! Errors answered by the catalogue.

use actix_web::http::StatusCode;
use shop_kit::Problem;

use crate::db::models::{product::ProductError, reservation::ReservationError};

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
                "stock_below_reserved",
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
                Problem::conflict("out_of_stock", "not enough stock for some lines").lines(
                    short
                        .iter()
                        .filter_map(|line| serde_json::to_value(line).ok())
                        .collect(),
                )
            }
            ReservationError::NotFound => Problem::not_found("reservation"),
            ReservationError::IdReused => Problem::conflict(
                "idempotency_key_reused",
                "this reservation id was used for different items",
            ),
            ReservationError::WrongState(status) => {
                Problem::new(StatusCode::CONFLICT, "reservation_state", "Conflict")
                    .detail(format!("the reservation is {status}"))
            }
            ReservationError::Database(e) => e.into(),
        }
    }
}
