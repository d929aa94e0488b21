//! The users service's API tests: the real service on port 0 against a real
//! PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod addresses;
mod auth;
mod health;
mod helpers;
mod login;
mod memory;
mod register;
mod signing_keys;
mod wallet;
