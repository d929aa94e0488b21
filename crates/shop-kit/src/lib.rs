//! The service runtime every shop service shares.
//!
//! A service is built from these parts: [`config`] reads settings from the
//! environment, [`telemetry`] sets up JSON logs and tracing, [`db`] and
//! [`redis`] give pools, [`health`] and [`metrics`] answer operators, and
//! [`server`] binds everything into an [`Application`] that `main` and the tests
//! start the same way. The machinery several services share lives here once:
//! [`input`] and [`extract`] parse what clients send, [`idempotency`] judges
//! a retried request, [`outbox`] and [`numbering`] (with their tables in
//! shop-kit's own migrations) carry events and document numbers, and
//! [`workers`] run background loops that stop with the server. With the
//! `testing` feature, [`testing`] spawns a service on port 0 against a fresh
//! database.

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod health;
pub mod http_cache;
pub mod idempotency;
pub mod input;
pub mod invalidation;
pub mod local_cache;
pub mod metrics;
pub mod numbering;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod redis;
pub mod server;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod workers;

pub use error::Problem;
pub use server::Application;
