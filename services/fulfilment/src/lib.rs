//! The fulfilment service: packing tasks, courier shipments and returns.

pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod startup;
