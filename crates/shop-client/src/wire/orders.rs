//! Orders wire types: carts, checkout, orders, invoices, credit notes and the
//! status updates fulfilment sends back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{payments::PaymentMethod, users::Address};

/// `POST /api/cart/items`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AddCartItemRequest {
    pub product_id: Uuid,
    /// 1 to 99 (added to what the cart already holds of this product).
    pub quantity: i32,
}

/// `PATCH /api/cart/items/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpdateCartItemRequest {
    /// 1 to 99.
    pub quantity: i32,
}

/// One line of a cart, priced now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CartLineResponse {
    pub id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    /// The price now (the snapshot when the catalogue cannot be asked).
    pub unit_price_cents: i64,
    /// The price when the item was put in the cart.
    pub added_price_cents: i64,
    /// True when the price moved since the item was added.
    pub price_changed: bool,
    /// False when the product is no longer sold.
    pub available: bool,
    pub line_total_cents: i64,
}

/// `GET /api/cart`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CartResponse {
    /// `None` until a guest puts something in a cart.
    pub id: Option<Uuid>,
    pub items: Vec<CartLineResponse>,
    pub total_cents: i64,
    pub currency: String,
    /// False when the catalogue could not be asked: prices are the snapshots.
    pub prices_current: bool,
}

/// `POST /api/orders`: exactly one of `address_id` and `shipping_address`.
/// No `Debug`: a card payment carries its number.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckoutRequest {
    #[serde(default)]
    pub address_id: Option<Uuid>,
    #[serde(default)]
    pub shipping_address: Option<Address>,
    pub payment: PaymentMethod,
}

/// One line of an order, at the price paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderLine {
    pub product_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

/// An order as its owner (or an admin) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderResponse {
    pub id: Uuid,
    /// The same as `id` (the checkout contract names it `order_id`).
    pub order_id: Uuid,
    pub user_id: Uuid,
    /// `pending`, `reserved`, `paid`, `packing`, `shipped`, `delivered`,
    /// `rejected`, `payment_failed`, `failed`, `cancelled`,
    /// `partially_refunded` or `refunded`.
    pub status: String,
    pub total_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    /// `card` or `wallet`.
    pub payment_method: String,
    pub payment_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub invoice_number: Option<String>,
    /// Why the checkout did not complete (`out_of_stock`, `card_declined`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    pub lines: Vec<OrderLine>,
    pub shipping_address: Address,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// `POST /api/orders/{id}/status` (admin): the status staff want the order in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdminStatusRequest {
    /// `cancelled` (before packing: a paid order is restocked, refunded and
    /// credited). Every other status comes from checkout, fulfilment or
    /// returns and is a 409 `invalid_transition`.
    pub status: String,
}

/// A credit note: money given back against an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditNoteResponse {
    pub id: Uuid,
    /// `CN-YYYY-NNNNNN`, without gaps within a year.
    pub number: String,
    pub order_id: Uuid,
    pub invoice_id: Uuid,
    pub amount_cents: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/orders/{id}/invoice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvoiceResponse {
    pub id: Uuid,
    /// `INV-YYYY-NNNNNN`, without gaps within a year.
    pub number: String,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub currency: String,
    pub lines: Vec<OrderLine>,
    pub total_cents: i64,
    pub shipping_address: Address,
    pub issued_at: DateTime<Utc>,
    pub credit_notes: Vec<CreditNoteResponse>,
}

/// `POST /internal/orders/{id}/status` (fulfilment): the order moved on.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderStatusUpdate {
    /// The sender's event id: a second delivery has no second effect.
    pub event_id: Uuid,
    /// `packing`, `shipped` or `delivered`.
    pub status: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
}

/// `POST /internal/orders/{id}/credit-notes` (fulfilment, after a refund).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreditNoteRequest {
    /// One credit note per key, however often it is sent.
    pub idempotency_key: String,
    pub amount_cents: i64,
    pub reason: String,
}

/// The `order.paid` event, delivered to `POST /internal/fulfilments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderPaidEvent {
    pub event_id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub lines: Vec<OrderLine>,
    pub shipping_address: Address,
    pub total_cents: i64,
    pub currency: String,
    pub paid_at: DateTime<Utc>,
}
