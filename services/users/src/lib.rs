//! The users service: accounts, authentication, addresses and wallets.

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod routes;
pub mod startup;
