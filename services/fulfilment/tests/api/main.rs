//! The fulfilment service's API tests: the real service on port 0 against a
//! real PostgreSQL, with the rest of the shop real too for the flows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flows;
mod health;
mod helpers;
mod returns;
