//! The gateway: the shop's only public door. It routes `/api/*` to the five
//! services as a streaming reverse proxy, never routes `/internal/*`,
//! aggregates health and OpenAPI, serves the API docs, rejects bad tokens on
//! protected routes early and applies rate limits.

pub mod config;
pub mod openapi;
pub mod proxy;
pub mod rate_limit;
pub mod routing;
pub mod startup;
