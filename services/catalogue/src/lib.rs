//! The catalogue service: products with their pictures, categories, stock
//! and reservations, with a two-level cache in front of the hottest reads.
//!
//! [`routes`] parse requests and map outcomes to HTTP; [`app`] holds the use
//! cases (product reads and writes, reservations, restocks) and the
//! background workers (the reservation sweeper, the cache warm-up);
//! [`domain`] the pure types and rules; [`db`] the tables and their queries.
//! [`cache`] is the memory and Redis adapter, [`media`] the object store
//! adapter (pictures and their signed links), [`state`] holds what they share, and
//! [`startup`] wires it all (nothing imports it).

pub mod app;
pub mod cache;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod media;
pub mod routes;
pub mod startup;
pub mod state;
