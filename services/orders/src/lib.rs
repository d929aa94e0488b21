//! The orders service: carts (guest and signed-in), the checkout saga,
//! orders and their state machine, invoices and credit notes, the outbox
//! relay that hands paid orders to fulfilment, and the recovery worker that
//! finishes checkouts a crash or an outage left in the middle.

pub mod cancel;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod recovery;
pub mod relay;
pub mod routes;
pub mod saga;
pub mod startup;
