//! The fulfilment service: paid orders (`order.paid`) become packing tasks;
//! packing books the courier and creates a shipment with a tracking number;
//! packing, shipping and delivery are reported to orders through the outbox.
//! Returns (RMAs) are asked for against what `order.paid` recorded; a
//! received return is announced to orders (`return.received`), which
//! restocks, refunds and credits it once and answers `return.refunded`.
//! Fulfilment calls neither payments nor catalogue.
//!
//! `routes/` parse requests and map outcomes to HTTP; `app/` holds the use
//! cases (one module per workflow); `domain/` the pure rules (the three
//! lifecycles, what a return may ask back); `db/` the tables and their
//! queries; `courier` the carrier adapter. `startup` wires them; nothing
//! imports it.

pub mod app;
pub mod config;
pub mod courier;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod startup;
pub mod state;
