//! Users wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{self, whole};
use crate::{named_enum, object_only};

named_enum! {
    /// What a user may do.
    pub enum Role ("role") {
        // utoipa does not see the macro's `serde(rename)`: the wire name
        // is repeated for the schema.
        #[schema(rename = "customer")]
        Customer => "customer",
        #[schema(rename = "admin")]
        Admin => "admin",
    }
}

/// `POST /api/auth/register`. No `Debug`: it carries a password.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct RegisterRequest {
    /// A valid email address; stored lowercased.
    #[schema(schema_with = rules::email)]
    pub email: String,
    /// 10 to 256 characters, any.
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
    /// The name shown on orders and invoices.
    #[schema(schema_with = rules::line::<100>)]
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct LoginRequest {
    /// The email registered with (any case; surrounding spaces ignored).
    #[schema(schema_with = rules::email)]
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct Address {
    #[schema(schema_with = rules::line::<100>)]
    pub name: String,
    #[schema(schema_with = rules::line::<200>)]
    pub line1: String,
    /// Absent, `null` or blank when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = rules::optional_line::<200>)]
    pub line2: Option<String>,
    #[schema(schema_with = rules::line::<100>)]
    pub city: String,
    #[schema(schema_with = rules::line::<20>)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. `DE`.
    #[schema(schema_with = rules::country)]
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct CreditRequest {
    /// 1 cent to one billion in major units.
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount_cents: i64,
    /// Shown in the wallet's statement.
    #[schema(schema_with = rules::line::<200>)]
    pub reason: String,
}

/// Internal wallet debit or credit; replaying the key replays the outcome.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct WalletMovementRequest {
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount_cents: i64,
    #[schema(schema_with = rules::idempotency_key)]
    pub idempotency_key: String,
    #[schema(schema_with = rules::line::<200>)]
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

object_only!(
    RegisterRequest,
    LoginRequest,
    Address,
    CreditRequest,
    WalletMovementRequest
);
