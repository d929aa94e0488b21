//! The orders service: carts, the checkout saga, orders, invoices and the outbox.

pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod startup;
