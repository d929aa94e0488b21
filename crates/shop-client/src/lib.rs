//! Wire types and typed HTTP clients for every shop service.
//!
//! The structs in [`wire`] are the very types the servers serialise, so a client
//! and a server cannot drift apart. [`HttpClient`] is the one way a service talks
//! to another: it sets timeouts, propagates W3C `traceparent` and `X-Request-Id`,
//! retries idempotent requests with backoff, adds `X-Internal-Token` on
//! `/internal/*` calls and decodes problem+json errors into [`ClientError`].

pub mod backoff;
pub mod card;
pub mod clients;
pub mod context;
pub mod error;
pub mod http;
mod middleware;
pub mod wire;

pub use clients::{
    CancelFulfilmentError, CatalogueClient, ChargeError, FulfilmentClient, HoldError, OrdersClient,
    PaymentsClient, ReserveError, ServiceName, UsersClient, WalletError,
};
pub use error::ClientError;
pub use http::{ClientConfig, HttpClient};
