//! The catalogue service: products, categories, stock and reservations, with a
//! Redis cache in front of the hottest reads.

pub mod cache;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod seed;
pub mod startup;
