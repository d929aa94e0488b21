//! The catalogue's use cases, one module per workflow. They speak domain and
//! wire types and answer typed outcomes (or a [`shop_kit::Problem`]); the
//! routes alone turn them into HTTP, and startup runs the background ones
//! ([`sweeper`], [`warm_up`]) as workers.

pub mod demo_pictures;
pub mod images;
pub mod products;
pub mod reservations;
pub mod restock;
pub mod sweeper;
pub mod warm_up;
