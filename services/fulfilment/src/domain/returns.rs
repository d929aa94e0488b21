//! What a return may ask back: the request checked field by field, the
//! return window, and how much of each line is left after earlier returns,
//! priced at what the buyer paid.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use shop_client::wire::{
    fulfilment::{CreateReturnRequest, ReturnLineRequest, ReturnLineResponse},
    orders::OrderLine,
};
use shop_kit::Problem;
use uuid::Uuid;

/// Lines one return may hold.
const MAX_LINES: usize = 100;
/// Characters a reason may hold.
const MAX_REASON: usize = 500;

/// A return request that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnRequest {
    pub order_id: Uuid,
    /// Trimmed, 1 to 500 characters.
    pub reason: String,
    /// Each product once, each quantity at least 1.
    pub lines: Vec<ReturnLineRequest>,
}

impl ReturnRequest {
    /// Checks the body; every bad field is named and nothing is written.
    pub fn parse(request: &CreateReturnRequest) -> Result<Self, Problem> {
        let mut errors = BTreeMap::new();
        let reason = shop_kit::input::paragraph(MAX_REASON)
            .required()
            .parse(&request.reason)
            .unwrap_or_else(|reason| {
                errors.insert("reason".to_owned(), reason);
                String::new()
            });
        if request.lines.is_empty() || request.lines.len() > MAX_LINES {
            errors.insert(
                "lines".to_owned(),
                format!("must have 1 to {MAX_LINES} lines"),
            );
        }
        let mut seen = HashSet::new();
        for line in &request.lines {
            if line.quantity < 1 {
                errors.insert(
                    "lines".to_owned(),
                    "every quantity must be at least 1".to_owned(),
                );
            }
            if !seen.insert(line.product_id) {
                errors.insert(
                    "lines".to_owned(),
                    "each product may appear once".to_owned(),
                );
            }
        }
        if !errors.is_empty() {
            return Err(Problem::validation(errors));
        }
        Ok(Self {
            order_id: request.order_id,
            reason,
            lines: request.lines.clone(),
        })
    }
}

/// Whether goods delivered at `delivered_at` may still be returned at `now`.
pub fn within_window(delivered_at: DateTime<Utc>, now: DateTime<Utc>, days: i64) -> bool {
    delivered_at + chrono::Duration::days(days) >= now
}

/// The asked lines at the price paid, or a 422 naming the first line that
/// is not in the order or asks back more than `bought` minus what earlier
/// returns (`returned`, units per product) asked back.
pub fn priced_lines(
    asked: &[ReturnLineRequest],
    bought: &[OrderLine],
    returned: &HashMap<Uuid, i64>,
) -> Result<Vec<ReturnLineResponse>, Problem> {
    let bought: HashMap<Uuid, (i64, i64)> = bought
        .iter()
        .map(|l| (l.product_id, (i64::from(l.quantity), l.unit_price_cents)))
        .collect();
    asked
        .iter()
        .map(|line| {
            let Some((quantity, price)) = bought.get(&line.product_id) else {
                return Err(Problem::invalid_field(
                    "lines",
                    format!("product {} is not in the order", line.product_id),
                ));
            };
            let left = quantity - returned.get(&line.product_id).copied().unwrap_or(0);
            if i64::from(line.quantity) > left {
                return Err(Problem::invalid_field(
                    "lines",
                    format!(
                        "at most {left} of product {} can still be returned",
                        line.product_id
                    ),
                ));
            }
            Ok(ReturnLineResponse {
                product_id: line.product_id,
                quantity: line.quantity,
                unit_price_cents: *price,
            })
        })
        .collect()
}

/// What the lines cost: what the buyer gets back.
pub fn refund_cents(lines: &[ReturnLineResponse]) -> i64 {
    lines
        .iter()
        .map(|l| l.unit_price_cents * i64::from(l.quantity))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(lines: Vec<(Uuid, i32)>, reason: &str) -> CreateReturnRequest {
        CreateReturnRequest {
            order_id: Uuid::now_v7(),
            lines: lines
                .into_iter()
                .map(|(product_id, quantity)| ReturnLineRequest {
                    product_id,
                    quantity,
                })
                .collect(),
            reason: reason.to_owned(),
        }
    }

    fn bought(product_id: Uuid, quantity: i32, unit_price_cents: i64) -> OrderLine {
        OrderLine {
            product_id,
            sku: "SKU-1".to_owned(),
            name: "Thing".to_owned(),
            quantity,
            unit_price_cents,
            line_total_cents: unit_price_cents * i64::from(quantity),
        }
    }

    #[test]
    fn a_request_needs_a_reason_and_distinct_lines_of_at_least_one() {
        let product = Uuid::now_v7();
        assert!(ReturnRequest::parse(&request(vec![(product, 1)], " too big ")).is_ok());
        for bad in [
            request(vec![(product, 1)], "  "),
            request(vec![], "broken"),
            request(vec![(product, 0)], "broken"),
            request(vec![(product, 1), (product, 1)], "broken"),
        ] {
            let problem = ReturnRequest::parse(&bad).unwrap_err();
            assert_eq!(problem.details().status, 422, "{bad:?}");
        }
        let parsed = ReturnRequest::parse(&request(vec![(product, 1)], " too big ")).unwrap();
        assert_eq!(parsed.reason, "too big");
    }

    #[test]
    fn lines_are_priced_as_paid_and_never_above_what_is_left() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let order = [bought(a, 3, 1200), bought(b, 1, 700)];
        let returned = HashMap::from([(a, 2)]);
        let ask = |product, quantity| {
            [ReturnLineRequest {
                product_id: product,
                quantity,
            }]
        };

        let lines = priced_lines(&ask(a, 1), &order, &returned).unwrap();
        assert_eq!(lines[0].unit_price_cents, 1200);
        assert_eq!(refund_cents(&lines), 1200);
        assert!(
            priced_lines(&ask(a, 2), &order, &returned).is_err(),
            "one is left"
        );
        assert!(
            priced_lines(&ask(b, 2), &order, &returned).is_err(),
            "one was bought"
        );
        assert!(priced_lines(&ask(Uuid::now_v7(), 1), &order, &returned).is_err());
    }

    #[test]
    fn the_window_closes_after_the_last_day() {
        let delivered = Utc::now();
        assert!(within_window(
            delivered,
            delivered + chrono::Duration::days(30),
            30
        ));
        assert!(!within_window(
            delivered,
            delivered + chrono::Duration::days(30) + chrono::Duration::seconds(1),
            30
        ));
    }
}
