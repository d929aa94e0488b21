//! The payments service's own tests: start-up, health, a database cut. Its
//! charges, refunds and wallet payments are tested with a real users
//! service in the whole-shop harness (integration_tests/harness).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod health;
mod helpers;
