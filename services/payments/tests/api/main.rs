//! The payments service's API tests: the real service (and a real users
//! service for wallets) on port 0 against a real PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cards;
mod health;
mod helpers;
mod logs;
mod wallet;
