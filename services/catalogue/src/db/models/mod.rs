//! One module per table.

pub mod category;
