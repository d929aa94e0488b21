//! The users service's internal API: wallets and addresses.

use uuid::Uuid;

use super::{ServiceName, service_client};
use crate::{
    ClientError,
    wire::{ErrorCode, users},
};

service_client!(
    /// Client for the users service: accounts, auth, wallets.
    UsersClient,
    ServiceName::Users
);

/// Why a wallet movement was not made.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The balance does not cover the debit; nothing was debited.
    #[error("the wallet holds too little")]
    InsufficientFunds,
    /// The user has no wallet.
    #[error("no such wallet")]
    NoWallet,
    /// The key was used for another movement.
    #[error("the idempotency key was used for another movement")]
    KeyReused,
    /// Anything else (unreachable, unexpected answer).
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl WalletError {
    fn from_call(error: ClientError) -> Self {
        match error.code() {
            Some(ErrorCode::InsufficientFunds) => Self::InsufficientFunds,
            Some(ErrorCode::NotFound) => Self::NoWallet,
            Some(ErrorCode::IdempotencyKeyReused) => Self::KeyReused,
            _ => Self::Client(error),
        }
    }
}

impl UsersClient {
    /// Debits a wallet once per `idempotency_key` (`/internal/wallets/{id}/debit`).
    pub async fn debit_wallet(
        &self,
        user_id: Uuid,
        request: &users::WalletMovementRequest,
    ) -> Result<users::WalletMovementResponse, WalletError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/debit"), request)
            .await
            .map_err(WalletError::from_call)
    }

    /// Credits a wallet once per `idempotency_key` (refunds).
    pub async fn credit_wallet(
        &self,
        user_id: Uuid,
        request: &users::WalletMovementRequest,
    ) -> Result<users::WalletMovementResponse, WalletError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/credit"), request)
            .await
            .map_err(WalletError::from_call)
    }

    /// One of the user's saved addresses; `None` when it is not theirs.
    pub async fn address(
        &self,
        user_id: Uuid,
        address_id: Uuid,
    ) -> Result<Option<users::AddressResponse>, ClientError> {
        self.http
            .get_json(&format!("/internal/users/{user_id}/addresses/{address_id}"))
            .await
            .map(Some)
            .or_else(ClientError::none_if_not_found)
    }
}
