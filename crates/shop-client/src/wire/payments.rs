//! Payments wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How to pay. No `Debug`: a card carries its number and CVC.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMethod {
    Card {
        card_number: String,
        exp_month: u32,
        exp_year: i32,
        cvc: String,
    },
    Wallet,
}

/// `POST /internal/payments`: idempotent per `order_id`.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatePaymentRequest {
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub method: PaymentMethod,
}

/// A payment as its owner sees it. Card payments show the brand and last 4 only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentResponse {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    /// `pending`, `succeeded`, `declined`, `failed`, `refunded` or `partially_refunded`.
    pub status: String,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    /// `card` or `wallet`.
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last4: Option<String>,
    /// Why a payment was declined (`card_declined`, `insufficient_funds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// Charge attempts made (transient failures are retried).
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /internal/payments/{id}/refunds`: idempotent per key.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefundRequest {
    pub amount_cents: i64,
    pub idempotency_key: String,
    pub reason: String,
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefundResponse {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub amount_cents: i64,
    /// `pending` (the money is on its way back) or `succeeded`.
    pub status: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}
