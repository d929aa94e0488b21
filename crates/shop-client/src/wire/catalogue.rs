//! Catalogue wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::named_enum;

named_enum! {
    /// Where a stock reservation stands.
    pub enum ReservationStatus ("reservation status") {
        /// The stock is held until it expires.
        Active => "active",
        /// Sold.
        Committed => "committed",
        /// Put back on sale.
        Released => "released",
        /// Not committed in time; put back on sale.
        Expired => "expired",
    }
}

/// A product category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryResponse {
    pub id: Uuid,
    /// URL-safe name used in filters (`?category=books`).
    pub slug: String,
    pub name: String,
}

/// `POST /api/categories` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateCategoryRequest {
    pub slug: String,
    pub name: String,
}

/// What a shopper is told about stock instead of the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockHint {
    InStock,
    LowStock,
    OutOfStock,
}

/// A product. The stock counts and `active` are only shown to admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductResponse {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub currency: String,
    /// The category's slug.
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    pub stock_hint: StockHint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_on_hand: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_reserved: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/products` and `PUT /api/products/{id}` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductRequest {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_cents: i64,
    /// An existing category's slug.
    pub category: String,
    #[serde(default)]
    pub image_url: Option<String>,
    /// Only on creation; later changes go through `PUT /api/products/{id}/stock`.
    #[serde(default)]
    pub stock_on_hand: Option<i32>,
}

/// `PATCH /api/products/{id}` (admin): only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProductPatch {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub price_cents: Option<i64>,
    pub category: Option<String>,
    pub image_url: Option<String>,
    pub active: Option<bool>,
}

/// `PUT /api/products/{id}/stock` (admin).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SetStockRequest {
    pub stock_on_hand: i32,
}

/// One line of a reservation or restock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StockLine {
    pub product_id: Uuid,
    pub quantity: i32,
}

/// `POST /internal/reservations`: all lines or none.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReservationRequest {
    /// Chosen by the caller (orders uses the order id), so a retry is idempotent.
    pub reservation_id: Uuid,
    pub items: Vec<StockLine>,
    /// Default 900 (`RESERVATION_TTL_SECS`).
    #[serde(default)]
    pub ttl_seconds: Option<i64>,
}

/// A reservation and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReservationResponse {
    pub reservation_id: Uuid,
    pub status: ReservationStatus,
    pub expires_at: DateTime<Utc>,
    pub items: Vec<StockLine>,
}

/// A line a reservation could not get (in the `lines` of a 409 `out_of_stock`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShortLine {
    pub product_id: Uuid,
    pub requested: i32,
    pub available: i32,
}

/// `POST /internal/restocks`: returned goods back on the shelf, once per id.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RestockRequest {
    pub restock_id: Uuid,
    pub items: Vec<StockLine>,
}

/// What `POST /internal/restocks` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RestockResponse {
    pub restock_id: Uuid,
    /// False when this restock id was applied before (nothing changed now).
    pub applied: bool,
}

/// `GET /internal/products?ids=...`: current prices for checkout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PriceResponse {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub active: bool,
    pub available: i32,
}

/// `GET /api/cache/stats` (admin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CacheStatsResponse {
    /// Since this instance started.
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: f64,
    /// Keys under this deployment's prefix.
    pub keys: u64,
    pub redis_used_memory_bytes: u64,
    pub redis_up: bool,
}
