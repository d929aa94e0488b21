//! One module per table.

pub mod user;
