//! The payments service: card and wallet charges, refunds, exactly once.

pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod startup;
