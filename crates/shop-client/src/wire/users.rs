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
