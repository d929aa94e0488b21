//! The orders service's API tests: the real service on port 0 against a real
//! PostgreSQL, with the other services real too where the test is about the
//! saga.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod bad_input;
mod cart;
mod checkout;
mod concurrency;
mod events;
mod health;
mod helpers;
mod recovery;
