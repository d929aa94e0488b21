//! The catalogue's internal API: prices, reservations, restocks.

use uuid::Uuid;

use super::{ServiceName, service_client};
use crate::{
    ClientError,
    wire::{ErrorCode, catalogue},
};

service_client!(
    /// Client for the catalogue service: products, stock, reservations.
    CatalogueClient,
    ServiceName::Catalogue
);

/// Why a reservation was not made.
#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    /// Some lines cannot be had in the quantity asked; nothing is held.
    #[error("out of stock")]
    OutOfStock { lines: Vec<catalogue::ShortLine> },
    /// The reservation id was used for other items.
    #[error("the reservation id was used for other items")]
    IdReused,
    /// Anything else (unreachable, unexpected answer).
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Why a hold could not be committed.
#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    /// The hold is gone: it expired or was released (or never existed).
    #[error("the stock hold is gone")]
    Gone,
    /// Anything else (unreachable, unexpected answer).
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl CatalogueClient {
    /// Holds stock for every line or none.
    pub async fn reserve(
        &self,
        request: &catalogue::ReservationRequest,
    ) -> Result<catalogue::ReservationResponse, ReserveError> {
        self.http
            .post_json("/internal/reservations", request)
            .await
            .map_err(|error| match error.code() {
                Some(ErrorCode::OutOfStock) => ReserveError::OutOfStock {
                    lines: error.lines(),
                },
                Some(ErrorCode::IdempotencyKeyReused) => ReserveError::IdReused,
                _ => ReserveError::Client(error),
            })
    }

    /// Where a reservation stands; `None` when it was never made.
    pub async fn reservation(
        &self,
        id: Uuid,
    ) -> Result<Option<catalogue::ReservationResponse>, ClientError> {
        self.http
            .get_json(&format!("/internal/reservations/{id}"))
            .await
            .map(Some)
            .or_else(ClientError::none_if_not_found)
    }

    /// Sells the held stock (idempotent).
    pub async fn commit_reservation(
        &self,
        id: Uuid,
    ) -> Result<catalogue::ReservationResponse, HoldError> {
        self.http
            .post_json(&format!("/internal/reservations/{id}/commit"), &())
            .await
            .map_err(|error| match error.code() {
                Some(ErrorCode::NotFound | ErrorCode::ReservationState) => HoldError::Gone,
                _ => HoldError::Client(error),
            })
    }

    /// Puts the held stock back on sale (idempotent); `None` when there was
    /// no hold.
    pub async fn release_reservation(
        &self,
        id: Uuid,
    ) -> Result<Option<catalogue::ReservationResponse>, ClientError> {
        self.http
            .post_json(&format!("/internal/reservations/{id}/release"), &())
            .await
            .map(Some)
            .or_else(ClientError::none_if_not_found)
    }

    /// Current prices and availability of up to 100 products.
    pub async fn prices(&self, ids: &[Uuid]) -> Result<Vec<catalogue::PriceResponse>, ClientError> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.http
            .get_json(&format!("/internal/products?ids={}", ids.join(",")))
            .await
    }

    /// Goods back on hand, once per `restock_id`.
    pub async fn restock(
        &self,
        request: &catalogue::RestockRequest,
    ) -> Result<catalogue::RestockResponse, ClientError> {
        self.http.post_json("/internal/restocks", request).await
    }
}
