//! Rows and their queries; each function takes `&mut AsyncPgConnection` so it
//! composes inside a transaction.

pub mod cart;
pub mod checkout_key;
pub mod document;
pub mod order;
pub mod order_line;
pub mod processed_event;
pub mod refund;
