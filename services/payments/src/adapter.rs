//! The card processor, behind a trait. The mock answers deterministically by
//! card number and is idempotent by key, like a real processor's API.

use std::{collections::HashMap, sync::Mutex};

use uuid::Uuid;

use shop_client::card::Card;

/// What the processor said about one charge attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Captured; `reference` identifies the charge for refunds.
    Approved { reference: String },
    /// Refused for good (`card_declined`, `insufficient_funds`).
    Declined { code: &'static str },
    /// The processor could not answer now; the same key may be tried again.
    Transient,
}

/// A card processor.
#[async_trait::async_trait]
pub trait CardProcessor: Send + Sync {
    /// Charges `amount_cents` once per `key`: asking again with the same key
    /// answers the first approval instead of charging twice.
    async fn charge(&self, key: Uuid, card: &Card, amount_cents: i64) -> ChargeOutcome;

    /// Refunds part or all of a charge, once per `key`.
    async fn refund(&self, key: Uuid, reference: &str, amount_cents: i64)
    -> Result<String, String>;
}

/// The mock processor and its test cards:
/// `4242424242424242` succeeds, `4000000000000002` is declined,
/// `4000000000009995` has insufficient funds, `4000000000000119` fails
/// transiently every time, `4000000000000259` fails transiently once per key
/// and then succeeds. Any other valid number succeeds.
pub struct MockCardProcessor {
    attempts: Mutex<HashMap<Uuid, u32>>,
    approved: Mutex<HashMap<Uuid, String>>,
    calls: prometheus::IntCounter,
    captures: prometheus::IntCounter,
}

impl MockCardProcessor {
    /// The mock, counting calls and captures in `registry`
    /// (`card_processor_calls_total`, `card_processor_captures_total`).
    pub fn new(registry: &prometheus::Registry) -> anyhow::Result<Self> {
        let calls = prometheus::IntCounter::new(
            "card_processor_calls_total",
            "Charge calls that reached the card processor",
        )?;
        let captures = prometheus::IntCounter::new(
            "card_processor_captures_total",
            "Charges the card processor captured",
        )?;
        registry.register(Box::new(calls.clone()))?;
        registry.register(Box::new(captures.clone()))?;
        Ok(Self {
            attempts: Mutex::new(HashMap::new()),
            approved: Mutex::new(HashMap::new()),
            calls,
            captures,
        })
    }
}

#[async_trait::async_trait]
impl CardProcessor for MockCardProcessor {
    async fn charge(&self, key: Uuid, card: &Card, _amount_cents: i64) -> ChargeOutcome {
        self.calls.inc();
        let Ok(mut approved) = self.approved.lock() else {
            return ChargeOutcome::Transient;
        };
        if let Some(reference) = approved.get(&key) {
            return ChargeOutcome::Approved {
                reference: reference.clone(),
            };
        }
        let attempt = match self.attempts.lock() {
            Ok(mut attempts) => {
                let n = attempts.entry(key).or_insert(0);
                *n += 1;
                *n
            }
            Err(_) => return ChargeOutcome::Transient,
        };
        match card.number.expose() {
            "4000000000000002" => ChargeOutcome::Declined {
                code: "card_declined",
            },
            "4000000000009995" => ChargeOutcome::Declined {
                code: "insufficient_funds",
            },
            "4000000000000119" => ChargeOutcome::Transient,
            "4000000000000259" if attempt == 1 => ChargeOutcome::Transient,
            _ => {
                let reference = format!("ch_{}", key.simple());
                approved.insert(key, reference.clone());
                self.captures.inc();
                ChargeOutcome::Approved { reference }
            }
        }
    }

    async fn refund(
        &self,
        key: Uuid,
        reference: &str,
        _amount_cents: i64,
    ) -> Result<String, String> {
        if reference.is_empty() {
            return Err("no charge to refund".to_owned());
        }
        Ok(format!("re_{}", key.simple()))
    }
}
