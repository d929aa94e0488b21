//! Stock rules: what a shopper is told about it, what an admin may set, and
//! how a change is judged for the cache.

use shop_client::wire::catalogue::StockHint;
use shop_kit::Problem;
use uuid::Uuid;

/// At or below this many units available, a product is `low_stock`.
pub const LOW_STOCK_THRESHOLD: i32 = 5;

/// The most units an admin may put on hand at once.
pub const MAX_ON_HAND: i32 = 1_000_000;

/// Units on hand as an admin sets them: 0 to [`MAX_ON_HAND`] (a 422 naming
/// `stock_on_hand` otherwise).
pub fn on_hand(raw: i32) -> Result<i32, Problem> {
    if (0..=MAX_ON_HAND).contains(&raw) {
        Ok(raw)
    } else {
        Err(Problem::invalid_field(
            "stock_on_hand",
            "must be between 0 and 1000000",
        ))
    }
}

/// The hint for what is available (on hand minus reserved).
pub fn hint(on_hand: i32, reserved: i32) -> StockHint {
    match on_hand - reserved {
        ..=0 => StockHint::OutOfStock,
        1..=LOW_STOCK_THRESHOLD => StockHint::LowStock,
        _ => StockHint::InStock,
    }
}

/// A product whose stock changed, with the hint readers saw before and see
/// now: a moved hint changes what the cached lists show too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StockChange {
    pub product_id: Uuid,
    pub hint_before: StockHint,
    pub hint_after: StockHint,
}

impl StockChange {
    /// The change from `before` to `after`, each `(on_hand, reserved)`.
    pub fn between(product_id: Uuid, before: (i32, i32), after: (i32, i32)) -> Self {
        Self {
            product_id,
            hint_before: hint(before.0, before.1),
            hint_after: hint(after.0, after.1),
        }
    }

    /// Whether any of `changes` moved a hint (so list pages are stale).
    pub fn any_hint_moved(changes: &[Self]) -> bool {
        changes.iter().any(|c| c.hint_before != c.hint_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_what_is_available() {
        assert_eq!(hint(0, 0), StockHint::OutOfStock);
        assert_eq!(hint(10, 10), StockHint::OutOfStock);
        assert_eq!(hint(5, 0), StockHint::LowStock);
        assert_eq!(hint(10, 4), StockHint::InStock);
        assert_eq!(hint(6, 0), StockHint::InStock);
    }

    #[test]
    fn a_change_knows_whether_the_lists_moved() {
        let id = Uuid::now_v7();
        let held = StockChange::between(id, (20, 0), (20, 1));
        let last = StockChange::between(id, (1, 0), (1, 1));
        assert!(!StockChange::any_hint_moved(&[held]));
        assert!(StockChange::any_hint_moved(&[held, last]));
    }
}
