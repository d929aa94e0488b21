//! The catalogue service: products, categories, stock and reservations, with a
//! Redis cache in front of the hottest reads.

pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod startup;
