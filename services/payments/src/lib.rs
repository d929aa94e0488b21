//! The payments service: card and wallet charges exactly once per order,
//! refunds never above what was captured, and the truth about any order's
//! payment.
//!
//! `routes/` parse requests and map outcomes to HTTP; `app/` holds the two
//! workflows (charging an order, refunding a payment); `domain/` the pure
//! rules (parsed requests, what a processor answer means, where a status may
//! go); `db/` the tables and their queries; `processor` the card processor
//! adapter. `startup` wires them, and nothing imports it.

pub mod app;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod processor;
pub mod routes;
pub mod startup;
pub mod state;
