//! The five domain services and a typed client for each. A call returns
//! what the service answered as a type: a refusal the caller acts on is a
//! variant of the call's error enum (decoded here, once, from the problem's
//! `code`), so no caller inspects status codes or code strings.

use std::fmt;

mod catalogue;
mod fulfilment;
mod orders;
mod payments;
mod users;

pub use catalogue::{CatalogueClient, HoldError, ReserveError};
pub use fulfilment::{CancelFulfilmentError, FulfilmentClient};
pub use orders::OrdersClient;
pub use payments::{ChargeError, PaymentsClient};
pub use users::{UsersClient, WalletError};

/// The domain services behind the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceName {
    Users,
    Catalogue,
    Orders,
    Payments,
    Fulfilment,
}

impl ServiceName {
    /// Every domain service, in port order.
    pub const ALL: [ServiceName; 5] = [
        Self::Users,
        Self::Catalogue,
        Self::Orders,
        Self::Payments,
        Self::Fulfilment,
    ];

    /// The lowercase name used in URLs, logs, metrics and health reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Users => "users",
            Self::Catalogue => "catalogue",
            Self::Orders => "orders",
            Self::Payments => "payments",
            Self::Fulfilment => "fulfilment",
        }
    }

    /// The port the service listens on everywhere (natively and in containers).
    pub const fn default_port(self) -> u16 {
        match self {
            Self::Users => 9001,
            Self::Catalogue => 9002,
            Self::Orders => 9003,
            Self::Payments => 9004,
            Self::Fulfilment => 9005,
        }
    }

    /// The environment variable holding the service's base URL (`USERS_URL`, ...).
    pub const fn url_var(self) -> &'static str {
        match self {
            Self::Users => "USERS_URL",
            Self::Catalogue => "CATALOGUE_URL",
            Self::Orders => "ORDERS_URL",
            Self::Payments => "PAYMENTS_URL",
            Self::Fulfilment => "FULFILMENT_URL",
        }
    }

    /// The base URL that works natively on one machine.
    pub fn default_url(self) -> String {
        format!("http://127.0.0.1:{}", self.default_port())
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A client struct for one service around an [`HttpClient`].
macro_rules! service_client {
    ($(#[$doc:meta])* $name:ident, $service:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            http: $crate::HttpClient,
        }

        impl $name {
            /// A client for the service at `base`.
            pub fn new(
                base: url::Url,
                config: &$crate::ClientConfig,
            ) -> Result<Self, $crate::ClientError> {
                Ok(Self {
                    http: $crate::HttpClient::new($service.as_str(), base, config)?,
                })
            }

            /// The underlying HTTP client (health, raw calls).
            pub fn http(&self) -> &$crate::HttpClient {
                &self.http
            }
        }
    };
}

pub(crate) use service_client;
