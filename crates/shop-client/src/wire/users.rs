//! Users wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
    /// `customer` or `admin`.
    pub role: String,
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

/// A postal address as clients send it.
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

impl Address {
    /// The same address trimmed (country uppercased), or every bad field
    /// named with why.
    pub fn normalise(&self) -> Result<Address, std::collections::BTreeMap<String, String>> {
        let mut errors = std::collections::BTreeMap::new();
        let mut required = |field: &str, value: &str, max: usize| {
            let value = value.trim();
            if value.is_empty() {
                errors.insert(field.to_owned(), "must not be empty".to_owned());
            } else if value.chars().count() > max {
                errors.insert(
                    field.to_owned(),
                    format!("must be at most {max} characters"),
                );
            }
            value.to_owned()
        };
        let name = required("name", &self.name, 100);
        let line1 = required("line1", &self.line1, 200);
        let city = required("city", &self.city, 100);
        let postal_code = required("postal_code", &self.postal_code, 20);
        let line2 = self
            .line2
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned);
        if line2.as_ref().is_some_and(|l| l.chars().count() > 200) {
            errors.insert(
                "line2".to_owned(),
                "must be at most 200 characters".to_owned(),
            );
        }
        let country = self.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            errors.insert(
                "country".to_owned(),
                "must be an ISO 3166-1 alpha-2 code".to_owned(),
            );
        }
        if errors.is_empty() {
            Ok(Address {
                name,
                line1,
                line2,
                city,
                postal_code,
                country,
            })
        } else {
            Err(errors)
        }
    }
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
