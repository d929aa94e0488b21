//! What a shopper is told about stock.

use shop_client::wire::catalogue::StockHint;

/// At or below this many units available, a product is `low_stock`.
pub const LOW_STOCK_THRESHOLD: i32 = 5;

/// The hint for what is available (on hand minus reserved).
pub fn hint(on_hand: i32, reserved: i32) -> StockHint {
    match on_hand - reserved {
        ..=0 => StockHint::OutOfStock,
        1..=LOW_STOCK_THRESHOLD => StockHint::LowStock,
        _ => StockHint::InStock,
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
}
