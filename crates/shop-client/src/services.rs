//! The five domain services and a typed client for each.

use std::fmt;

use url::Url;

use crate::{ClientConfig, ClientError, HttpClient};

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

macro_rules! service_client {
    ($(#[$doc:meta])* $name:ident, $service:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            http: HttpClient,
        }

        impl $name {
            /// A client for the service at `base`.
            pub fn new(base: Url, config: &ClientConfig) -> Result<Self, ClientError> {
                Ok(Self {
                    http: HttpClient::new($service.as_str(), base, config)?,
                })
            }

            /// The underlying HTTP client (health, raw calls).
            pub fn http(&self) -> &HttpClient {
                &self.http
            }
        }
    };
}

service_client!(
    /// Client for the users service: accounts, auth, wallets.
    UsersClient,
    ServiceName::Users
);
impl UsersClient {
    /// Debits a wallet once per `idempotency_key` (`/internal/wallets/{id}/debit`).
    pub async fn debit_wallet(
        &self,
        user_id: uuid::Uuid,
        request: &crate::wire::users::WalletMovementRequest,
    ) -> Result<crate::wire::users::WalletMovementResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/debit"), request)
            .await
    }

    /// Credits a wallet once per `idempotency_key` (refunds).
    pub async fn credit_wallet(
        &self,
        user_id: uuid::Uuid,
        request: &crate::wire::users::WalletMovementRequest,
    ) -> Result<crate::wire::users::WalletMovementResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/credit"), request)
            .await
    }
}

service_client!(
    /// Client for the catalogue service: products, stock, reservations.
    CatalogueClient,
    ServiceName::Catalogue
);
service_client!(
    /// Client for the orders service: carts, checkout, invoices.
    OrdersClient,
    ServiceName::Orders
);
service_client!(
    /// Client for the payments service: charges and refunds.
    PaymentsClient,
    ServiceName::Payments
);
service_client!(
    /// Client for the fulfilment service: packing, shipments, returns.
    FulfilmentClient,
    ServiceName::Fulfilment
);
