//! The fulfilment service's own tests: start-up, health, a database cut,
//! returns against an orders double, and the migration that hands returns
//! to orders. Packing, shipping and returns with every service real are
//! tested in the harness (integration_tests/harness).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod health;
mod helpers;
mod migrations;
mod return_list;
mod returns;
