//! The fulfilment service: paid orders become packing tasks; packing books the
//! courier and creates a shipment with a tracking number; delivery is reported
//! back to orders; returns (RMAs) restock the catalogue, refund the payment and
//! have orders issue a credit note, each exactly once.

pub mod config;
pub mod courier;
pub mod db;
pub mod error;
pub mod events;
pub mod packing;
pub mod returns;
pub mod routes;
pub mod startup;
pub mod worker;
