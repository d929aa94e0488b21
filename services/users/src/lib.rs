//! The users service: accounts, authentication (EdDSA access tokens and their
//! JWKS), addresses and wallets.
//!
//! [`routes`] parse requests and map outcomes to HTTP; [`app`] holds the use
//! cases (register, login, wallet movements, demo data); [`domain`] the pure
//! types they are parsed into; [`db`] the tables and their queries. The
//! adapters [`hashers`], [`keys`], [`tokens`] and [`throttle`] wrap Argon2,
//! key files, JWT signing and Redis. [`state`] holds what they share, and
//! [`startup`] wires it all (nothing imports it).

pub mod app;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod hashers;
pub mod keys;
pub mod routes;
pub mod startup;
pub mod state;
pub mod throttle;
pub mod tokens;
