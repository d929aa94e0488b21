//! Pure types and rules of the catalogue: parsed at the edge, no I/O.

pub mod category;
pub mod image;
pub mod listing;
pub mod product;
pub mod reservation;
pub mod stock;
