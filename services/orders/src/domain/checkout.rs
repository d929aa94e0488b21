//! A checkout request parsed at the edge: where to ship, how to pay, and the
//! fingerprint that tells a replay from a different request under the same key.

use std::collections::BTreeMap;

use shop_client::{
    card::Card,
    wire::{
        orders::CheckoutRequest,
        payments::{PaymentKind, PaymentMethod},
        users::Address,
    },
};
use shop_kit::{Problem, idempotency::Fingerprint};
use uuid::Uuid;

/// Where the parcel goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    /// One of the buyer's saved addresses (looked up in users).
    Saved(Uuid),
    /// An address given with the order, already normalised.
    Given(Address),
}

/// A checkout that passed every check that needs no other service.
pub struct Checkout {
    pub destination: Destination,
    pub payment: PaymentMethod,
    /// What the request asks for (a card by last 4 and expiry only: the
    /// number itself is never stored, not even hashed).
    pub fingerprint: Fingerprint,
}

impl Checkout {
    /// How the order is paid.
    pub fn method(&self) -> PaymentKind {
        match self.payment {
            PaymentMethod::Card { .. } => PaymentKind::Card,
            PaymentMethod::Wallet => PaymentKind::Wallet,
        }
    }
}

/// Checks the body; every bad field is named and nothing is written.
pub fn parse(request: &CheckoutRequest, today: (i32, u32)) -> Result<Checkout, Problem> {
    let mut errors = BTreeMap::new();
    let destination = match (&request.address_id, &request.shipping_address) {
        (Some(id), None) => Some(Destination::Saved(*id)),
        (None, Some(address)) => match shop_kit::input::address(address) {
            Ok(address) => Some(Destination::Given(address)),
            Err(fields) => {
                errors.extend(
                    fields
                        .into_map()
                        .into_iter()
                        .map(|(k, v)| (format!("shipping_address.{k}"), v)),
                );
                None
            }
        },
        _ => {
            errors.insert(
                "shipping_address".to_owned(),
                "give exactly one of address_id and shipping_address".to_owned(),
            );
            None
        }
    };
    let mut parts: Vec<String> = Vec::new();
    match &destination {
        Some(Destination::Saved(id)) => parts.push(format!("address_id={id}")),
        Some(Destination::Given(a)) => parts.extend([
            "address".to_owned(),
            a.name.clone(),
            a.line1.clone(),
            a.line2.clone().unwrap_or_default(),
            a.city.clone(),
            a.postal_code.clone(),
            a.country.clone(),
        ]),
        None => {}
    }
    match &request.payment {
        PaymentMethod::Card {
            card_number,
            exp_month,
            exp_year,
            cvc,
        } => match Card::parse(card_number, *exp_month, *exp_year, cvc, today) {
            Ok(card) => parts.push(format!(
                "card={}/{exp_month}/{exp_year}",
                card.number.last4()
            )),
            Err(fields) => {
                errors.extend(fields.into_iter().map(|(k, v)| (format!("payment.{k}"), v)))
            }
        },
        PaymentMethod::Wallet => parts.push("wallet".to_owned()),
    }
    match destination {
        Some(destination) if errors.is_empty() => Ok(Checkout {
            destination,
            payment: request.payment.clone(),
            fingerprint: Fingerprint::of(&parts.iter().map(String::as_str).collect::<Vec<_>>()),
        }),
        _ => Err(Problem::validation(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> Address {
        Address {
            name: "Alice".into(),
            line1: "1 Main St".into(),
            line2: None,
            city: "Berlin".into(),
            postal_code: "10115".into(),
            country: "de".into(),
        }
    }

    fn card(number: &str) -> PaymentMethod {
        PaymentMethod::Card {
            card_number: number.into(),
            exp_month: 12,
            exp_year: 2031,
            cvc: "123".into(),
        }
    }

    fn request(payment: PaymentMethod) -> CheckoutRequest {
        CheckoutRequest {
            address_id: None,
            shipping_address: Some(address()),
            payment,
        }
    }

    #[test]
    fn the_same_request_has_the_same_fingerprint_and_a_different_one_does_not() {
        let a = parse(&request(card("4242424242424242")), (2026, 11)).unwrap();
        let b = parse(&request(card("4242 4242 4242 4242")), (2026, 11)).unwrap();
        let c = parse(&request(PaymentMethod::Wallet), (2026, 11)).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_eq!(a.method(), PaymentKind::Card);
    }

    #[test]
    fn bad_fields_are_all_named() {
        let mut bad = request(card("4242424242424241"));
        bad.shipping_address.as_mut().unwrap().country = "Germany".into();
        let problem = parse(&bad, (2026, 11)).err().unwrap();
        let fields = problem.details().fields.clone().unwrap();
        assert!(fields.contains_key("payment.card_number"), "{fields:?}");
        assert!(
            fields.contains_key("shipping_address.country"),
            "{fields:?}"
        );
    }

    #[test]
    fn exactly_one_destination_is_required() {
        let mut both = request(PaymentMethod::Wallet);
        both.address_id = Some(Uuid::now_v7());
        assert!(parse(&both, (2026, 11)).is_err());
        let mut neither = request(PaymentMethod::Wallet);
        neither.shipping_address = None;
        assert!(parse(&neither, (2026, 11)).is_err());
    }
}
