//! A wallet movement, parsed: which wallet, a signed amount within bounds, a
//! one-line reason, and the key that makes a retry safe.

use shop_kit::{Problem, idempotency::Fingerprint};
use uuid::Uuid;

/// The largest amount one movement may carry, in cents: one billion in major
/// units. Anything larger is a bug, not a purchase.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000_000;

/// The longest reason the ledger keeps.
pub const MAX_REASON_CHARS: usize = 200;

/// Which way the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Out of the wallet (a payment).
    Debit,
    /// Into the wallet (a refund, a top-up).
    Credit,
}

/// A debit or credit to apply to one wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub user_id: Uuid,
    /// Negative for debits, positive for credits.
    pub amount_cents: i64,
    pub reason: String,
    /// The key as stored (scoped where callers could collide); without one
    /// the movement is applied every time it is asked for.
    pub idempotency_key: Option<String>,
}

impl Movement {
    /// A movement of `amount_cents` (positive, at most [`MAX_AMOUNT_CENTS`])
    /// in `direction`, with a one-line reason; a bad field is a 422 naming it.
    pub fn parse(
        user_id: Uuid,
        direction: Direction,
        amount_cents: i64,
        reason: &str,
    ) -> Result<Self, Problem> {
        if !(1..=MAX_AMOUNT_CENTS).contains(&amount_cents) {
            return Err(Problem::invalid_field(
                "amount_cents",
                "must be a positive number of cents",
            ));
        }
        let reason = shop_kit::input::line(MAX_REASON_CHARS).parse_field("reason", reason)?;
        let amount_cents = match direction {
            Direction::Debit => -amount_cents,
            Direction::Credit => amount_cents,
        };
        Ok(Self {
            user_id,
            amount_cents,
            reason,
            idempotency_key: None,
        })
    }

    /// The same movement, applied once per `key`.
    #[must_use]
    pub fn keyed(mut self, key: Option<String>) -> Self {
        self.idempotency_key = key;
        self
    }

    /// What a key is bound to: the same key for another wallet or another
    /// amount is refused. The reason is left out on purpose: a retry may word
    /// it differently and is still the same movement.
    pub fn fingerprint(&self) -> Fingerprint {
        Self::fingerprint_of(self.user_id, self.amount_cents)
    }

    /// The fingerprint of a movement of `amount_cents` on `user_id`'s wallet
    /// (also rebuilt from a ledger entry, which records both).
    pub fn fingerprint_of(user_id: Uuid, amount_cents: i64) -> Fingerprint {
        Fingerprint::of(&[&user_id.to_string(), &amount_cents.to_string()])
    }
}

#[cfg(test)]
mod tests {
    use shop_client::wire::ErrorCode;

    use super::*;

    #[test]
    fn a_debit_is_negative_and_a_credit_positive() {
        let user = Uuid::now_v7();
        let debit = Movement::parse(user, Direction::Debit, 250, " order 7 ").unwrap();
        assert_eq!(
            (debit.amount_cents, debit.reason.as_str()),
            (-250, "order 7")
        );
        let credit = Movement::parse(user, Direction::Credit, 250, "refund").unwrap();
        assert_eq!(credit.amount_cents, 250);
        assert_ne!(debit.fingerprint(), credit.fingerprint());
    }

    #[test]
    fn amounts_and_reasons_out_of_bounds_are_named() {
        let user = Uuid::now_v7();
        for amount in [0, -5, MAX_AMOUNT_CENTS + 1] {
            let problem = Movement::parse(user, Direction::Credit, amount, "x").unwrap_err();
            assert_eq!(*problem.code(), ErrorCode::ValidationFailed);
            assert!(
                problem
                    .details()
                    .fields
                    .as_ref()
                    .unwrap()
                    .contains_key("amount_cents")
            );
        }
        let problem = Movement::parse(user, Direction::Credit, 1, "gift\u{0}").unwrap_err();
        assert!(
            problem
                .details()
                .fields
                .as_ref()
                .unwrap()
                .contains_key("reason")
        );
    }

    #[test]
    fn the_reason_is_not_part_of_the_fingerprint() {
        let user = Uuid::now_v7();
        let first = Movement::parse(user, Direction::Debit, 100, "order 1").unwrap();
        let retry = Movement::parse(user, Direction::Debit, 100, "order 1 (retry)").unwrap();
        assert_eq!(first.fingerprint(), retry.fingerprint());
    }
}
