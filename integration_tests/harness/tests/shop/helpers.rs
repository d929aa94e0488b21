//! What the tests share: the harness (payments' own helpers are in
//! `shop_harness::payments`).

pub use shop_harness::*;
