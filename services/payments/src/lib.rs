//! The payments service: card and wallet charges exactly once per order,
//! refunds never above what was captured, and the truth about any order's
//! payment.

pub mod adapter;
pub mod charge;
pub mod config;
pub mod db;
pub mod error;
pub mod refunding;
pub mod routes;
pub mod startup;
