//! Users wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::named_enum;

named_enum! {
    /// What a user may do.
    pub enum Role ("role") {
        Customer => "customer",
        Admin => "admin",
    }
}

/// `POST /api/auth/register`. No `Debug`: it carries a password.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterRequest {
    /// A valid email address; stored lowercased.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// The name shown on orders and invoices.
    pub name: String,
}

/// A user account as its owner (or an admin) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/auth/login`. No `Debug`: it carries a password.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// A signed-in session: a short-lived EdDSA access token.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// A postal address as clients send it (parsed by `shop_kit::input::address`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub name: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    pub country: String,
}

/// A saved address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddressResponse {
    pub id: Uuid,
    #[serde(flatten)]
    pub address: Address,
    pub created_at: DateTime<Utc>,
}

/// One movement of a wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WalletEntryResponse {
    pub id: Uuid,
    /// Positive for credits, negative for debits.
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/users/me/wallet`: the balance and the most recent movements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WalletResponse {
    pub balance_cents: i64,
    pub currency: String,
    pub entries: Vec<WalletEntryResponse>,
}

/// `POST /api/users/{id}/wallet/credit` (admin); `Idempotency-Key` header optional.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditRequest {
    pub amount_cents: i64,
    pub reason: String,
}

/// Internal wallet debit or credit; replaying the key replays the outcome.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WalletMovementRequest {
    pub amount_cents: i64,
    pub idempotency_key: String,
    pub reason: String,
}

/// The outcome of a wallet debit or credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WalletMovementResponse {
    pub entry_id: Uuid,
    pub user_id: Uuid,
    /// Positive for credits, negative for debits.
    pub amount_cents: i64,
    /// The balance right after this movement.
    pub balance_cents: i64,
}
