//! One module per table (reservations and restocks own their lines), and
//! [`stock`] for the stock columns of `products` that several workflows move.

pub mod category;
pub mod image;
pub mod product;
pub mod reservation;
pub mod restock;
pub mod stock;
