//! The users service's use cases, one module per workflow. They speak domain
//! and wire types and answer typed outcomes (or a [`shop_kit::Problem`]);
//! the routes alone turn them into HTTP.

pub mod login;
pub mod register;
pub mod seed;
pub mod wallet;
