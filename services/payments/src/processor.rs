//! The card processor adapter. Only the mock exists (ARCHITECTURE: "mock
//! card adapter"), so it is a plain struct rather than a trait with one
//! implementation; a real processor would take its place here, behind the
//! same two calls. Like a real processor's API, it is idempotent by key.

use std::{collections::HashMap, sync::Mutex};

use shop_client::{card::Card, wire::payments::DeclineCode};
use uuid::Uuid;

use crate::domain::charge::CardAnswer;

/// Why the processor refused a refund.
#[derive(Debug, thiserror::Error)]
pub enum RefundRefused {
    /// The payment has no charge reference to refund against.
    #[error("no charge to refund")]
    NoCharge,
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

    /// Charges `amount_cents` once per `key`: asking again with the same key
    /// answers the first approval instead of charging twice.
    pub async fn charge(&self, key: Uuid, card: &Card, _amount_cents: i64) -> CardAnswer {
        self.calls.inc();
        // A poisoned lock is a processor that cannot answer now, as a real
        // one would be after a crash: the caller retries with the same key.
        let Ok(mut approved) = self.approved.lock() else {
            return CardAnswer::Transient;
        };
        if let Some(reference) = approved.get(&key) {
            return CardAnswer::Approved {
                reference: reference.clone(),
            };
        }
        let attempt = match self.attempts.lock() {
            Ok(mut attempts) => {
                let n = attempts.entry(key).or_insert(0);
                *n += 1;
                *n
            }
            Err(_) => return CardAnswer::Transient,
        };
        match card.number.expose() {
            "4000000000000002" => CardAnswer::Declined(DeclineCode::CardDeclined),
            "4000000000009995" => CardAnswer::Declined(DeclineCode::InsufficientFunds),
            "4000000000000119" => CardAnswer::Transient,
            "4000000000000259" if attempt == 1 => CardAnswer::Transient,
            _ => {
                let reference = format!("ch_{}", key.simple());
                approved.insert(key, reference.clone());
                self.captures.inc();
                CardAnswer::Approved { reference }
            }
        }
    }

    /// Refunds part or all of the charge `reference`, once per `key`;
    /// answers the refund's reference.
    pub async fn refund(
        &self,
        key: Uuid,
        reference: Option<&str>,
        _amount_cents: i64,
    ) -> Result<String, RefundRefused> {
        match reference {
            Some(charge) if !charge.is_empty() => Ok(format!("re_{}", key.simple())),
            _ => Err(RefundRefused::NoCharge),
        }
    }
}
