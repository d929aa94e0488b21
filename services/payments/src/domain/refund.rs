//! A refund request parsed at the edge, and what makes two refund requests
//! with one idempotency key the same request.

use shop_client::wire::payments::RefundRequest;
use shop_kit::{
    Problem,
    idempotency::{Fingerprint, IdempotencyKey},
    input,
};
use uuid::Uuid;

/// A refund request that passed every check.
pub struct NewRefund {
    pub payment_id: Uuid,
    pub amount_cents: i64,
    pub key: IdempotencyKey,
    pub reason: String,
}

impl NewRefund {
    /// Checks the request: a positive amount, a key by the shop's one rule,
    /// a one-line reason; a bad field is a 422 naming it.
    pub fn parse(payment_id: Uuid, request: &RefundRequest) -> Result<Self, Problem> {
        if request.amount_cents <= 0 {
            return Err(Problem::invalid_field(
                "amount_cents",
                "must be a positive number of cents",
            ));
        }
        Ok(Self {
            payment_id,
            amount_cents: request.amount_cents,
            key: IdempotencyKey::parse_field("idempotency_key", &request.idempotency_key)?,
            reason: input::line(200).parse_field("reason", &request.reason)?,
        })
    }

    /// What this request asks for, for judging a repeat of its key.
    pub fn fingerprint(&self) -> Fingerprint {
        refund_fingerprint(self.payment_id, self.amount_cents)
    }
}

/// What makes two refunds with one key the same: the payment and the
/// amount. The reason is a note, not part of the request's meaning.
pub fn refund_fingerprint(payment_id: Uuid, amount_cents: i64) -> Fingerprint {
    Fingerprint::of(&[&payment_id.to_string(), &amount_cents.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount_cents: i64, key: &str) -> RefundRequest {
        RefundRequest {
            amount_cents,
            idempotency_key: key.to_owned(),
            reason: "returned".to_owned(),
        }
    }

    #[test]
    fn a_refund_needs_a_positive_amount_and_a_good_key() {
        let payment = Uuid::now_v7();
        assert!(NewRefund::parse(payment, &request(100, "rma:1")).is_ok());
        for (amount, key, field) in [
            (0, "rma:1", "amount_cents"),
            (100, "", "idempotency_key"),
            (100, "has space", "idempotency_key"),
        ] {
            let fields = NewRefund::parse(payment, &request(amount, key))
                .err()
                .and_then(|p| p.details().fields.clone());
            assert!(fields.is_some_and(|f| f.contains_key(field)), "{field}");
        }
    }

    #[test]
    fn the_same_payment_and_amount_make_the_same_refund() {
        let payment = Uuid::now_v7();
        let new = NewRefund::parse(payment, &request(100, "k")).unwrap();
        assert_eq!(new.fingerprint(), refund_fingerprint(payment, 100));
        assert_ne!(new.fingerprint(), refund_fingerprint(payment, 101));
        assert_ne!(new.fingerprint(), refund_fingerprint(Uuid::now_v7(), 100));
    }
}
