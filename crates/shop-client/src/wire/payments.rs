//! Payments wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::named_enum;

named_enum! {
    /// Where a payment stands.
    pub enum PaymentStatus ("payment status") {
        /// Being charged, or its outcome is not known yet.
        Pending => "pending",
        Succeeded => "succeeded",
        /// Refused by the card or the wallet.
        Declined => "declined",
        /// The processor failed (transiently, every retry).
        Failed => "failed",
        Refunded => "refunded",
        PartiallyRefunded => "partially_refunded",
    }
}

named_enum! {
    /// Where a refund stands.
    pub enum RefundStatus ("refund status") {
        /// Booked; the money is on its way back.
        Pending => "pending",
        Succeeded => "succeeded",
    }
}

named_enum! {
    /// How an order is paid, without the card's details.
    pub enum PaymentKind ("payment method") {
        Card => "card",
        Wallet => "wallet",
    }
}

named_enum! {
    /// Why a payment did not capture money: a decline (the card or the
    /// wallet said no) or a failure (nothing could be charged just now).
    pub enum DeclineCode ("decline code") {
        /// The card issuer refused the charge.
        CardDeclined => "card_declined",
        /// The card or the wallet holds too little.
        InsufficientFunds => "insufficient_funds",
        /// The payer has no wallet.
        WalletNotFound => "wallet_not_found",
        /// The card processor failed on every attempt.
        ProcessorUnavailable => "processor_unavailable",
        /// The users service could not be reached; nothing was debited.
        WalletUnavailable => "wallet_unavailable",
    }
}

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
    pub status: PaymentStatus,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub method: PaymentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last4: Option<String>,
    /// Why a `declined` or `failed` payment captured nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<DeclineCode>,
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
    pub status: RefundStatus,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}
