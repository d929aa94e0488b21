//! One module per table.

pub mod address;
pub mod user;
pub mod wallet;
