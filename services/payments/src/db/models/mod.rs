//! One module per table.

pub mod payment;
pub mod refund;
