//! The gateway's tests: the real gateway on port 0 in front of HTTP test
//! doubles standing in for the five services.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod cache;
mod health;
mod helpers;
mod paths;
mod proxy;
mod rate_limit;
mod web;
