//! The orders service's own tests: start-up, health, a database cut, a
//! SIGTERM while its workers are busy. Its
//! carts, checkout saga, recovery and refunds need the other services and
//! are tested in the whole-shop harness (integration_tests/harness).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod health;
mod helpers;
mod shutdown;
