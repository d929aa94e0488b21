//! The gateway: the shop's only public door. It routes `/api/*` to the five
//! services as a streaming reverse proxy, never routes `/internal/*`,
//! aggregates health and OpenAPI, and serves the API docs.

pub mod config;
pub mod openapi;
pub mod proxy;
pub mod routing;
pub mod startup;
