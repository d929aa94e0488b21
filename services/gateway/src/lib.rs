//! The gateway: the shop's only public door. It routes `/api/*` to the five
//! services as a streaming reverse proxy, never routes `/internal/*`,
//! aggregates health and OpenAPI, serves the API docs, rejects bad tokens on
//! protected routes early, applies rate limits, answers public catalogue
//! reads from its own cache, and serves the browser app with a cookie
//! session that stands in for the bearer token.
//!
//! It owns no data, so it has no `app/` or `db/`: [`routes`] handle the
//! requests, [`web`] the browser app's pages, assets and session, [`domain`]
//! holds the pure routing, header, session and site rules, [`forward`]
//! streams requests and answers between actix and the services,
//! [`rate_limit`] counts in memory and shares through Redis, [`cache`] keeps
//! public catalogue reads, [`state`] holds what they share, and [`startup`]
//! wires it all (nothing imports it).

pub mod cache;
pub mod config;
pub mod domain;
pub mod error;
pub mod forward;
pub mod rate_limit;
pub mod routes;
pub mod startup;
pub mod state;
pub mod web;
