//! Payments wire types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{self, whole};
use crate::{named_enum, object_only};

// utoipa does not see `named_enum!`'s `serde(rename)`: every variant
// repeats its wire name for the schema.

named_enum! {
    /// Where a payment stands.
    pub enum PaymentStatus ("payment status") {
        /// Being charged, or its outcome is not known yet.
        #[schema(rename = "pending")]
        Pending => "pending",
        #[schema(rename = "succeeded")]
        Succeeded => "succeeded",
        /// Refused by the card or the wallet.
        #[schema(rename = "declined")]
        Declined => "declined",
        /// The processor failed (transiently, every retry).
        #[schema(rename = "failed")]
        Failed => "failed",
        #[schema(rename = "refunded")]
        Refunded => "refunded",
        #[schema(rename = "partially_refunded")]
        PartiallyRefunded => "partially_refunded",
    }
}

named_enum! {
    /// Where a refund stands.
    pub enum RefundStatus ("refund status") {
        /// Booked; the money is on its way back.
        #[schema(rename = "pending")]
        Pending => "pending",
        #[schema(rename = "succeeded")]
        Succeeded => "succeeded",
    }
}

named_enum! {
    /// How an order is paid, without the card's details.
    pub enum PaymentKind ("payment method") {
        #[schema(rename = "card")]
        Card => "card",
        #[schema(rename = "wallet")]
        Wallet => "wallet",
    }
}

named_enum! {
    /// Why a payment did not capture money: a decline (the card or the
    /// wallet said no) or a failure (nothing could be charged just now).
    pub enum DeclineCode ("decline code") {
        /// The card issuer refused the charge.
        #[schema(rename = "card_declined")]
        CardDeclined => "card_declined",
        /// The card or the wallet holds too little.
        #[schema(rename = "insufficient_funds")]
        InsufficientFunds => "insufficient_funds",
        /// The payer has no wallet.
        #[schema(rename = "wallet_not_found")]
        WalletNotFound => "wallet_not_found",
        /// The card processor failed on every attempt.
        #[schema(rename = "processor_unavailable")]
        ProcessorUnavailable => "processor_unavailable",
        /// The users service could not be reached; nothing was debited.
        #[schema(rename = "wallet_unavailable")]
        WalletUnavailable => "wallet_unavailable",
    }
}

/// How to pay. No `Debug`: a card carries its number and CVC.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentMethod {
    Card {
        /// 12 to 19 digits (spaces and dashes between them are ignored)
        /// that pass the Luhn check.
        #[schema(
            pattern = "^[ -]*(?:[0-9][ -]*){12,19}$",
            example = "4242 4242 4242 4242"
        )]
        card_number: String,
        /// 1 to 12.
        #[serde(deserialize_with = "whole::deserialize")]
        #[schema(minimum = 1, maximum = 12)]
        exp_month: u32,
        /// The year, e.g. 2030; a card that has expired (by month and year) is refused.
        #[serde(deserialize_with = "whole::deserialize")]
        #[schema(minimum = 2000, maximum = 2_147_483_647, example = 2030)]
        exp_year: i32,
        /// 3 or 4 digits.
        #[schema(pattern = "^[0-9]{3,4}$", example = "123")]
        cvc: String,
    },
    Wallet,
}

/// `POST /internal/payments`: idempotent per `order_id`.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct CreatePaymentRequest {
    pub order_id: Uuid,
    pub user_id: Uuid,
    /// 1 cent to one billion in major units.
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
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
#[serde(remote = "Self")] // Deserialize: `object_only!` below
pub struct RefundRequest {
    /// Positive, and not more than is left to refund.
    #[serde(deserialize_with = "whole::deserialize")]
    #[schema(minimum = 1)]
    pub amount_cents: i64,
    #[schema(schema_with = rules::idempotency_key)]
    pub idempotency_key: String,
    #[schema(schema_with = rules::line::<200>)]
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

object_only!(CreatePaymentRequest, RefundRequest);
