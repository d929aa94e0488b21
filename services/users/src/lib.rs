//! The users service: accounts, authentication (EdDSA access tokens and their
//! JWKS), addresses and wallets.

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod hashers;
pub mod keys;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod throttle;
pub mod tokens;
