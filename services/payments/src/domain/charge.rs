//! A charge: the request parsed into what may be charged, what the card
//! processor's answers mean for the payment, and what makes two charge
//! requests for one order the same request.

use shop_client::{
    card::Card,
    wire::payments::{CreatePaymentRequest, DeclineCode, PaymentKind, PaymentMethod},
};
use shop_kit::{Problem, idempotency::Fingerprint};
use uuid::Uuid;

use super::status::PaymentEvent;

/// Charge attempts for a card: the first and up to two retries.
pub const CARD_ATTEMPTS: u32 = 3;

/// The largest charge accepted, in cents (a typo guard, not a business limit).
const MAX_AMOUNT_CENTS: i64 = 100_000_000_000;

/// How to charge.
pub enum Method {
    /// A card that passed its checks (Luhn, expiry, CVC).
    Card(Card),
    /// The payer's wallet in users.
    Wallet,
}

impl Method {
    /// The method as stored and shown, without the card's details.
    pub fn kind(&self) -> PaymentKind {
        match self {
            Self::Card(_) => PaymentKind::Card,
            Self::Wallet => PaymentKind::Wallet,
        }
    }
}

/// A charge request that passed every check.
pub struct NewPayment {
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub method: Method,
}

impl NewPayment {
    /// Checks the request against `today` (year, month); a bad amount or
    /// card is a 422 naming the fields, before anything is charged or stored.
    pub fn parse(request: &CreatePaymentRequest, today: (i32, u32)) -> Result<Self, Problem> {
        if !(1..=MAX_AMOUNT_CENTS).contains(&request.amount_cents) {
            return Err(Problem::invalid_field(
                "amount_cents",
                "must be a positive number of cents",
            ));
        }
        let method = match &request.method {
            PaymentMethod::Card {
                card_number,
                exp_month,
                exp_year,
                cvc,
            } => Method::Card(
                Card::parse(card_number, *exp_month, *exp_year, cvc, today)
                    .map_err(Problem::validation)?,
            ),
            PaymentMethod::Wallet => Method::Wallet,
        };
        Ok(Self {
            order_id: request.order_id,
            user_id: request.user_id,
            amount_cents: request.amount_cents,
            method,
        })
    }

    /// What this request asks of its order, for judging a repeat.
    pub fn fingerprint(&self) -> Fingerprint {
        charge_fingerprint(self.user_id, self.amount_cents, self.method.kind())
    }
}

/// What makes two charges of one order the same: the payer, the amount and
/// the kind of method. Another card for the same order is the same charge
/// (the card is never stored, so a replay could not be told apart anyway).
pub fn charge_fingerprint(user_id: Uuid, amount_cents: i64, kind: PaymentKind) -> Fingerprint {
    Fingerprint::of(&[
        &user_id.to_string(),
        &amount_cents.to_string(),
        kind.as_str(),
    ])
}

/// What the card processor answered to one charge attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardAnswer {
    /// Captured; `reference` identifies the charge for refunds.
    Approved { reference: String },
    /// Refused for good.
    Declined(DeclineCode),
    /// The processor could not answer now; the same key may be tried again.
    Transient,
}

/// How a charge ended for the payment: the money taken, refused, or not
/// charged at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Taken; `reference` is the processor's charge or the wallet entry.
    Captured { reference: String },
    /// The card or the wallet said no.
    Declined(DeclineCode),
    /// Nothing was charged, and nothing could be just now.
    Failed(DeclineCode),
}

impl Settlement {
    /// What happened to the payment.
    pub fn event(&self) -> PaymentEvent {
        match self {
            Self::Captured { .. } => PaymentEvent::Captured,
            Self::Declined(_) => PaymentEvent::Declined,
            Self::Failed(_) => PaymentEvent::Failed,
        }
    }

    /// Why nothing was captured, if so.
    pub fn decline_code(&self) -> Option<DeclineCode> {
        match self {
            Self::Captured { .. } => None,
            Self::Declined(code) | Self::Failed(code) => Some(*code),
        }
    }

    /// The processor's or the wallet's reference, when money was taken.
    pub fn reference(&self) -> Option<&str> {
        match self {
            Self::Captured { reference } => Some(reference),
            Self::Declined(_) | Self::Failed(_) => None,
        }
    }
}

/// What to do after card attempt `attempt` (from 1) got `answer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStep {
    /// The charge has its outcome.
    Settle(Settlement),
    /// A transient failure with attempts left: wait, then try again.
    Retry,
}

/// Reads a card answer: transient failures are retried until
/// [`CARD_ATTEMPTS`] are spent, and then the payment failed.
pub fn after_card_attempt(answer: CardAnswer, attempt: u32) -> CardStep {
    match answer {
        CardAnswer::Approved { reference } => CardStep::Settle(Settlement::Captured { reference }),
        CardAnswer::Declined(code) => CardStep::Settle(Settlement::Declined(code)),
        CardAnswer::Transient if attempt < CARD_ATTEMPTS => CardStep::Retry,
        CardAnswer::Transient => {
            CardStep::Settle(Settlement::Failed(DeclineCode::ProcessorUnavailable))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount_cents: i64, method: PaymentMethod) -> CreatePaymentRequest {
        CreatePaymentRequest {
            order_id: Uuid::now_v7(),
            user_id: Uuid::now_v7(),
            amount_cents,
            method,
        }
    }

    fn card(number: &str) -> PaymentMethod {
        PaymentMethod::Card {
            card_number: number.to_owned(),
            exp_month: 12,
            exp_year: 2031,
            cvc: "123".to_owned(),
        }
    }

    #[test]
    fn a_bad_amount_or_card_is_refused_naming_the_field() {
        let today = (2026, 11);
        for amount in [0, -1, MAX_AMOUNT_CENTS + 1] {
            let refused = NewPayment::parse(&request(amount, PaymentMethod::Wallet), today);
            let fields = refused.err().and_then(|p| p.details().fields.clone());
            assert!(
                fields.is_some_and(|f| f.contains_key("amount_cents")),
                "{amount}"
            );
        }
        let refused = NewPayment::parse(&request(100, card("4242424242424241")), today);
        let fields = refused.err().and_then(|p| p.details().fields.clone());
        assert!(fields.is_some_and(|f| f.contains_key("card_number")));
        let parsed = NewPayment::parse(&request(100, card("4242424242424242")), today).unwrap();
        assert_eq!(parsed.method.kind(), PaymentKind::Card);
    }

    #[test]
    fn the_same_payer_amount_and_kind_make_the_same_charge() {
        let today = (2026, 11);
        let first = NewPayment::parse(&request(100, card("4242424242424242")), today).unwrap();
        let stored = charge_fingerprint(first.user_id, 100, PaymentKind::Card);
        assert_eq!(first.fingerprint(), stored);
        for other in [
            charge_fingerprint(first.user_id, 101, PaymentKind::Card),
            charge_fingerprint(first.user_id, 100, PaymentKind::Wallet),
            charge_fingerprint(Uuid::now_v7(), 100, PaymentKind::Card),
        ] {
            assert_ne!(first.fingerprint(), other);
        }
    }

    #[test]
    fn transient_card_failures_are_retried_twice_then_fail() {
        assert_eq!(
            after_card_attempt(CardAnswer::Transient, 1),
            CardStep::Retry
        );
        assert_eq!(
            after_card_attempt(CardAnswer::Transient, 2),
            CardStep::Retry
        );
        assert_eq!(
            after_card_attempt(CardAnswer::Transient, CARD_ATTEMPTS),
            CardStep::Settle(Settlement::Failed(DeclineCode::ProcessorUnavailable))
        );
        let declined = after_card_attempt(CardAnswer::Declined(DeclineCode::CardDeclined), 1);
        assert_eq!(
            declined,
            CardStep::Settle(Settlement::Declined(DeclineCode::CardDeclined))
        );
        let CardStep::Settle(captured) = after_card_attempt(
            CardAnswer::Approved {
                reference: "ch_1".into(),
            },
            2,
        ) else {
            panic!("an approval settles");
        };
        assert_eq!(
            (
                captured.event(),
                captured.reference(),
                captured.decline_code()
            ),
            (PaymentEvent::Captured, Some("ch_1"), None)
        );
    }
}
