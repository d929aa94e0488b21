//! The `refunds` table: money going back, never more than was captured, once
//! per idempotency key.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::payments::RefundResponse;
use uuid::Uuid;

use crate::db::{
    models::payment::Payment,
    schema::{payments, refunds},
};

/// A refund row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refunds, check_for_backend(Pg))]
pub struct Refund {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub amount_cents: i64,
    pub idempotency_key: String,
    pub reason: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a refund was refused.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    #[error("no such payment")]
    PaymentNotFound,
    #[error("the payment captured nothing to refund")]
    NotCaptured,
    #[error("{remaining} cents are left to refund")]
    Exceeds { remaining: i64 },
    #[error("the key was used for another refund")]
    KeyReused,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl Refund {
    /// Books a refund: under the payment's row lock, checks that it and every
    /// earlier refund fit in what was captured, and counts it as refunded
    /// before any money moves (so two racing refunds cannot both fit). The
    /// same key again returns the refund booked first; the flag says whether
    /// this call booked it.
    #[tracing::instrument(skip(conn, key, reason))]
    pub async fn book(
        conn: &mut AsyncPgConnection,
        payment_id: Uuid,
        amount_cents: i64,
        key: &str,
        reason: &str,
    ) -> Result<(Payment, Refund, bool), RefundError> {
        conn.transaction(async |conn| {
            let payment: Payment = payments::table
                .find(payment_id)
                .for_update()
                .select(Payment::as_select())
                .first(conn)
                .await
                .optional()?
                .ok_or(RefundError::PaymentNotFound)?;
            let existing: Option<Refund> = refunds::table
                .filter(refunds::idempotency_key.eq(key))
                .select(Refund::as_select())
                .first(conn)
                .await
                .optional()?;
            if let Some(existing) = existing {
                return if existing.payment_id == payment_id && existing.amount_cents == amount_cents
                {
                    Ok((payment, existing, false))
                } else {
                    Err(RefundError::KeyReused)
                };
            }
            if !matches!(
                payment.status.as_str(),
                "succeeded" | "partially_refunded" | "refunded"
            ) {
                return Err(RefundError::NotCaptured);
            }
            let remaining = payment.amount_cents - payment.refunded_cents;
            if amount_cents > remaining {
                return Err(RefundError::Exceeds { remaining });
            }
            let refund: Refund = diesel::insert_into(refunds::table)
                .values((
                    refunds::id.eq(Uuid::now_v7()),
                    refunds::payment_id.eq(payment_id),
                    refunds::amount_cents.eq(amount_cents),
                    refunds::idempotency_key.eq(key),
                    refunds::reason.eq(reason),
                    refunds::status.eq("pending"),
                ))
                .returning(Refund::as_returning())
                .get_result(conn)
                .await?;
            let payment = diesel::update(payments::table.find(payment_id))
                .set((
                    payments::refunded_cents.eq(payments::refunded_cents + amount_cents),
                    payments::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Payment::as_returning())
                .get_result(conn)
                .await?;
            Ok((payment, refund, true))
        })
        .await
    }

    /// Marks the refund paid out and the payment (partially) refunded.
    pub async fn complete(
        conn: &mut AsyncPgConnection,
        refund: &Refund,
    ) -> QueryResult<(Payment, Refund)> {
        conn.transaction(async |conn| {
            let refund: Refund = diesel::update(refunds::table.find(refund.id))
                .set((
                    refunds::status.eq("succeeded"),
                    refunds::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Refund::as_returning())
                .get_result(conn)
                .await?;
            let payment: Payment = payments::table
                .find(refund.payment_id)
                .for_update()
                .select(Payment::as_select())
                .first(conn)
                .await?;
            let status = if payment.refunded_cents >= payment.amount_cents {
                "refunded"
            } else {
                "partially_refunded"
            };
            let payment = diesel::update(payments::table.find(payment.id))
                .set((
                    payments::status.eq(status),
                    payments::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Payment::as_returning())
                .get_result(conn)
                .await?;
            Ok((payment, refund))
        })
        .await
    }

    pub fn to_response(&self) -> RefundResponse {
        RefundResponse {
            id: self.id,
            payment_id: self.payment_id,
            amount_cents: self.amount_cents,
            status: self.status.clone(),
            reason: self.reason.clone(),
            created_at: self.created_at,
        }
    }
}
