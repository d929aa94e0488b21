//! The catalogue's API tests: the real service on port 0 against a real
//! PostgreSQL and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cache;
mod categories;
mod health;
mod helpers;
mod images;
mod listing;
mod memory;
mod products;
mod reservations;
mod revalidation;
mod shutdown;
