//! One module per table (reservations and restocks own their lines).

pub mod category;
pub mod product;
pub mod reservation;
pub mod restock;
