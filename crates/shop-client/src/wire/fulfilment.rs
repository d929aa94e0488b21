//! Fulfilment wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What `POST /internal/fulfilments` and its cancel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FulfilmentResponse {
    pub order_id: Uuid,
    /// `None` when the order was cancelled before it reached fulfilment.
    pub packing_task_id: Option<Uuid>,
    /// The packing task's status: `pending`, `packed`, `shipped` or `cancelled`.
    pub status: String,
}

/// A packing task as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PackingTaskResponse {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    /// `pending`, `packed` (the courier is not booked yet), `shipped` or `cancelled`.
    pub status: String,
    pub lines: Vec<super::orders::OrderLine>,
    pub shipping_address: super::users::Address,
    /// Courier bookings tried so far.
    pub booking_attempts: i32,
    /// Why the last courier booking failed (it is retried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<ShipmentResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A parcel with a courier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShipmentResponse {
    pub id: Uuid,
    pub order_id: Uuid,
    pub courier: String,
    pub tracking_number: String,
    /// `booked`, `in_transit` or `delivered`.
    pub status: String,
    pub booked_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_transit_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One line of a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReturnLineRequest {
    pub product_id: Uuid,
    pub quantity: i32,
}

/// `POST /api/returns`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateReturnRequest {
    pub order_id: Uuid,
    pub lines: Vec<ReturnLineRequest>,
    pub reason: String,
}

/// A returned line, at the price paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReturnLineResponse {
    pub product_id: Uuid,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// A return (RMA).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReturnResponse {
    pub id: Uuid,
    /// `RMA-YYYY-NNNNNN`, without gaps within a year.
    pub number: String,
    pub order_id: Uuid,
    pub user_id: Uuid,
    /// `requested`, `received` (being restocked and refunded) or `refunded`.
    pub status: String,
    pub reason: String,
    pub lines: Vec<ReturnLineResponse>,
    /// What the returned lines cost: what is refunded.
    pub refund_cents: i64,
    pub restocked: bool,
    pub refunded: bool,
    /// Why the last receiving step failed (it is retried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<DateTime<Utc>>,
}
