//! The orders service: carts (guest and signed-in), the checkout saga,
//! orders and their state machine, invoices and credit notes, every refund
//! (cancellations and returns alike), the outbox that tells fulfilment, and
//! the recovery worker that finishes what a crash or an outage left in the
//! middle.
//!
//! `routes/` parse requests and map outcomes to HTTP; `app/` holds the use
//! cases (one module per workflow); `domain/` the pure rules (the state
//! machine, a parsed checkout, what a checkout ended as); `db/` the tables
//! and their queries. `startup` wires them; nothing imports it.

pub mod app;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod startup;
pub mod state;
