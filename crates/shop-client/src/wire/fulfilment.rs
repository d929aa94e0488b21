//! Fulfilment wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{named_enum, object_only};

// utoipa does not see the macro's `serde(rename)`: each variant repeats its
// wire name for the schema.

named_enum! {
    /// Where a packing task stands.
    pub enum PackingTaskStatus ("packing task status") {
        /// Waiting for staff.
        #[schema(rename = "pending")]
        Pending => "pending",
        /// Packed; the courier is not booked yet (it is retried).
        #[schema(rename = "packed")]
        Packed => "packed",
        /// Handed to the courier.
        #[schema(rename = "shipped")]
        Shipped => "shipped",
        /// The order was cancelled before packing.
        #[schema(rename = "cancelled")]
        Cancelled => "cancelled",
    }
}

named_enum! {
    /// Where a parcel stands.
    pub enum ShipmentStatus ("shipment status") {
        #[schema(rename = "booked")]
        Booked => "booked",
        #[schema(rename = "in_transit")]
        InTransit => "in_transit",
        #[schema(rename = "delivered")]
        Delivered => "delivered",
    }
}

named_enum! {
    /// Where a return (RMA) stands.
    pub enum ReturnStatus ("return status") {
        /// Asked for; the goods are not back yet.
        #[schema(rename = "requested")]
        Requested => "requested",
        /// The goods are back; orders is restocking and refunding them.
        #[schema(rename = "received")]
        Received => "received",
        /// Restocked, refunded and credited.
        #[schema(rename = "refunded")]
        Refunded => "refunded",
    }
}

/// What `POST /internal/fulfilments` and its cancel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FulfilmentResponse {
    pub order_id: Uuid,
    /// `None` when the order was cancelled before it reached fulfilment.
    pub packing_task_id: Option<Uuid>,
    /// The packing task's status.
    pub status: PackingTaskStatus,
}

/// A packing task as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PackingTaskResponse {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub status: PackingTaskStatus,
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
    pub status: ShipmentStatus,
    pub booked_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_transit_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One line of a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct ReturnLineRequest {
    /// A product of the order (another is a 422 naming `lines`).
    pub product_id: Uuid,
    /// At least 1, and at most what was bought less what earlier returns
    /// asked back (more is a 422 naming `lines`).
    #[serde(deserialize_with = "super::rules::whole::deserialize")]
    #[schema(minimum = 1)]
    pub quantity: i32,
}

/// `POST /api/returns`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct CreateReturnRequest {
    /// A delivered order of the caller's.
    pub order_id: Uuid,
    /// 1 to 100 lines, each product at most once (a repeated product is a
    /// 422 naming `lines`).
    #[schema(min_items = 1, max_items = 100)]
    pub lines: Vec<ReturnLineRequest>,
    /// Why the goods come back.
    #[schema(schema_with = text::reason)]
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
    pub status: ReturnStatus,
    pub reason: String,
    pub lines: Vec<ReturnLineResponse>,
    /// What the returned lines cost: what is refunded.
    pub refund_cents: i64,
    pub restocked: bool,
    pub refunded: bool,
    /// While `received`: why the last delivery of its `return.received` to
    /// orders failed (the outbox retries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<DateTime<Utc>>,
}

/// The schemas of fulfilment's text, built on [`rules`](super::rules).
pub mod text {
    use utoipa::openapi::{Object, ObjectBuilder, Type};

    use crate::wire::rules::text_pattern;

    /// A return's reason: 1 to 500 characters once trimmed.
    pub fn reason() -> Object {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(text_pattern(500, true, true)))
            .description(Some(
                "Why the goods come back: 1 to 500 characters once trimmed; line breaks and tabs allowed, no other control characters",
            ))
            .examples(["Too small"])
            .build()
    }
}

object_only!(ReturnLineRequest, CreateReturnRequest);
