//! Orders wire types: carts, checkout, orders, invoices, credit notes and the
//! status updates fulfilment sends back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    payments::{PaymentKind, PaymentMethod},
    rules::whole,
    users::Address,
};
use crate::{named_enum, object_only};

// utoipa does not see the macro's `serde(rename)`: each variant repeats its
// wire name for the schema.

named_enum! {
    /// Where an order stands. Which status may follow which is the orders
    /// service's rule (its `domain::status`), not the wire's.
    pub enum OrderStatus ("order status") {
        /// Written, nothing held yet.
        #[schema(rename = "pending")]
        Pending => "pending",
        /// Stock is held; the charge has not settled yet.
        #[schema(rename = "reserved")]
        Reserved => "reserved",
        /// Charged, stock sold, invoiced.
        #[schema(rename = "paid")]
        Paid => "paid",
        /// Fulfilment has packed it.
        #[schema(rename = "packing")]
        Packing => "packing",
        #[schema(rename = "shipped")]
        Shipped => "shipped",
        #[schema(rename = "delivered")]
        Delivered => "delivered",
        /// Stock was short; nothing was charged.
        #[schema(rename = "rejected")]
        Rejected => "rejected",
        /// The charge was declined or failed; the stock went back.
        #[schema(rename = "payment_failed")]
        PaymentFailed => "payment_failed",
        /// Charged but the stock could not be committed: refunded.
        #[schema(rename = "failed")]
        Failed => "failed",
        #[schema(rename = "cancelled")]
        Cancelled => "cancelled",
        #[schema(rename = "partially_refunded")]
        PartiallyRefunded => "partially_refunded",
        #[schema(rename = "refunded")]
        Refunded => "refunded",
    }
}

/// `POST /api/cart/items`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct AddCartItemRequest {
    /// A product on sale (anything else is a 422 naming `product_id`).
    pub product_id: Uuid,
    /// 1 to 99, added to what the cart already holds of this product (a
    /// line above 99 is a 422 naming `quantity`).
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 99)]
    pub quantity: i32,
}

/// `PATCH /api/cart/items/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct UpdateCartItemRequest {
    /// 1 to 99.
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 99)]
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

/// `POST /api/orders`: exactly one of `address_id` and `shipping_address`
/// (the other absent or `null`). No `Debug`: a card payment carries its
/// number. Its schema is written out below: a derived one cannot say
/// "exactly one of".
#[derive(Clone, Serialize, Deserialize)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct CheckoutRequest {
    /// One of the buyer's saved addresses.
    #[serde(default)]
    pub address_id: Option<Uuid>,
    /// An address given with the order.
    #[serde(default)]
    pub shipping_address: Option<Address>,
    pub payment: PaymentMethod,
}

impl utoipa::PartialSchema for CheckoutRequest {
    /// Two shapes, told apart by which destination is given: a saved
    /// address (`address_id`) or one given with the order
    /// (`shipping_address`); the other is absent or `null`.
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::{
            ToSchema as _,
            openapi::{
                KnownFormat, ObjectBuilder, OneOfBuilder, Ref, SchemaFormat, Type, schema::Object,
            },
        };
        let payment = || Ref::from_schema_name(PaymentMethod::name());
        let absent = || Object::with_type(Type::Null);
        let saved = ObjectBuilder::new()
            .title(Some("SavedAddressCheckout"))
            .property(
                "address_id",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some(
                        "One of the buyer's saved addresses (`GET /api/users/me/addresses`); another id is a 422 naming `address_id`",
                    )),
            )
            .required("address_id")
            .property("shipping_address", absent())
            .property("payment", payment())
            .required("payment");
        let given = ObjectBuilder::new()
            .title(Some("GivenAddressCheckout"))
            .property("address_id", absent())
            .property("shipping_address", Ref::from_schema_name(Address::name()))
            .required("shipping_address")
            .property("payment", payment())
            .required("payment");
        OneOfBuilder::new()
            .description(Some(
                "Where to ship (exactly one of `address_id` and `shipping_address`; the other absent or null) and how to pay",
            ))
            .item(saved)
            .item(given)
            .into()
    }
}

impl utoipa::ToSchema for CheckoutRequest {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("CheckoutRequest")
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema as _;
        schemas.push((Address::name().into(), Address::schema()));
        <Address as utoipa::ToSchema>::schemas(schemas);
        schemas.push((PaymentMethod::name().into(), PaymentMethod::schema()));
        <PaymentMethod as utoipa::ToSchema>::schemas(schemas);
    }
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
    pub status: OrderStatus,
    pub total_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub payment_method: PaymentKind,
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct AdminStatusRequest {
    /// `cancelled` (before packing: a paid order is restocked, refunded and
    /// credited). Every other status comes from checkout, fulfilment or
    /// returns and is a 409 `invalid_transition`; a name that is no status
    /// is a 422 naming `status`.
    #[schema(value_type = OrderStatus)]
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct OrderStatusUpdate {
    /// The sender's event id: a second delivery has no second effect.
    pub event_id: Uuid,
    /// `packing`, `shipped` or `delivered`.
    pub status: OrderStatus,
    #[serde(default)]
    pub tracking_number: Option<String>,
}

named_enum! {
    /// Why orders gives money back.
    pub enum RefundCause ("refund cause") {
        /// The order was cancelled before packing: everything goes back.
        #[schema(rename = "cancellation")]
        Cancellation => "cancellation",
        /// Returned goods were received: their lines go back.
        #[schema(rename = "return")]
        Return => "return",
    }
}

named_enum! {
    /// How far a refund has come: stock back, then money back with its
    /// credit note, then done (each step once, retried until it is).
    pub enum RefundProgress ("refund progress") {
        /// The goods are being put back on sale.
        #[schema(rename = "restocking")]
        Restocking => "restocking",
        /// The money is being paid back.
        #[schema(rename = "paying_back")]
        PayingBack => "paying_back",
        /// Restocked, paid back, credited.
        #[schema(rename = "done")]
        Done => "done",
    }
}

/// A refund orders runs (for a cancellation or a return), as fulfilment and
/// staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderRefundResponse {
    pub id: Uuid,
    pub order_id: Uuid,
    pub cause: RefundCause,
    /// Its key everywhere it reaches (`cancel:{order}`, `rma:{return}`).
    pub key: String,
    pub amount_cents: i64,
    pub progress: RefundProgress,
    /// The credit note, once issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_note_number: Option<String>,
    /// Why the last step failed (it is retried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `return.received`, from fulfilment to `POST /internal/returns`: the goods
/// of a return are back; orders restocks, refunds and credits them once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReturnReceivedEvent {
    pub event_id: Uuid,
    pub return_id: Uuid,
    /// `RMA-YYYY-NNNNNN`.
    pub number: String,
    pub order_id: Uuid,
    pub lines: Vec<super::fulfilment::ReturnLineResponse>,
    /// What the returned lines cost at the price paid.
    pub refund_cents: i64,
}

/// `return.refunded`, from orders to `POST /internal/returns/{id}/refunded`:
/// the return's money is back with the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReturnRefundedEvent {
    pub event_id: Uuid,
    pub return_id: Uuid,
    pub order_id: Uuid,
    pub refund_cents: i64,
    /// `CN-YYYY-NNNNNN`.
    pub credit_note_number: String,
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

object_only!(
    AddCartItemRequest,
    UpdateCartItemRequest,
    CheckoutRequest,
    AdminStatusRequest,
    OrderStatusUpdate
);
