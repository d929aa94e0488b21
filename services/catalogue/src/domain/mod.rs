//! Pure types and rules of the catalogue: parsed at the edge, no I/O.

pub mod listing;
pub mod product;
pub mod stock;
