//! The five domain services and a typed client for each.

use std::fmt;

use url::Url;
use uuid::Uuid;

use crate::wire::{catalogue, fulfilment, orders, payments, users};

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
        user_id: Uuid,
        request: &users::WalletMovementRequest,
    ) -> Result<users::WalletMovementResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/debit"), request)
            .await
    }

    /// Credits a wallet once per `idempotency_key` (refunds).
    pub async fn credit_wallet(
        &self,
        user_id: Uuid,
        request: &users::WalletMovementRequest,
    ) -> Result<users::WalletMovementResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/wallets/{user_id}/credit"), request)
            .await
    }

    /// One of the user's saved addresses; 404 when it is not theirs.
    pub async fn address(
        &self,
        user_id: Uuid,
        address_id: Uuid,
    ) -> Result<users::AddressResponse, ClientError> {
        self.http
            .get_json(&format!("/internal/users/{user_id}/addresses/{address_id}"))
            .await
    }
}

service_client!(
    /// Client for the catalogue service: products, stock, reservations.
    CatalogueClient,
    ServiceName::Catalogue
);
impl CatalogueClient {
    /// Holds stock for every line or none (409 `out_of_stock` naming the short lines).
    pub async fn reserve(
        &self,
        request: &catalogue::ReservationRequest,
    ) -> Result<catalogue::ReservationResponse, ClientError> {
        self.http.post_json("/internal/reservations", request).await
    }

    /// Where a reservation stands; 404 when it was never made.
    pub async fn reservation(
        &self,
        id: Uuid,
    ) -> Result<catalogue::ReservationResponse, ClientError> {
        self.http
            .get_json(&format!("/internal/reservations/{id}"))
            .await
    }

    /// Sells the held stock (idempotent).
    pub async fn commit_reservation(
        &self,
        id: Uuid,
    ) -> Result<catalogue::ReservationResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/reservations/{id}/commit"), &())
            .await
    }

    /// Puts the held stock back on sale (idempotent).
    pub async fn release_reservation(
        &self,
        id: Uuid,
    ) -> Result<catalogue::ReservationResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/reservations/{id}/release"), &())
            .await
    }

    /// Current prices and availability of up to 100 products.
    pub async fn prices(&self, ids: &[Uuid]) -> Result<Vec<catalogue::PriceResponse>, ClientError> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        self.http
            .get_json(&format!("/internal/products?ids={}", ids.join(",")))
            .await
    }

    /// Returned goods back on hand, once per `restock_id`.
    pub async fn restock(
        &self,
        request: &catalogue::RestockRequest,
    ) -> Result<serde_json::Value, ClientError> {
        self.http.post_json("/internal/restocks", request).await
    }
}

service_client!(
    /// Client for the orders service: carts, checkout, invoices.
    OrdersClient,
    ServiceName::Orders
);
impl OrdersClient {
    /// An order, whoever owns it.
    pub async fn order(&self, id: Uuid) -> Result<orders::OrderResponse, ClientError> {
        self.http.get_json(&format!("/internal/orders/{id}")).await
    }

    /// Moves an order on (`packing`, `shipped`, `delivered`), once per event id.
    pub async fn update_status(
        &self,
        id: Uuid,
        update: &orders::OrderStatusUpdate,
    ) -> Result<orders::OrderResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/orders/{id}/status"), update)
            .await
    }

    /// Issues a credit note for refunded money, once per idempotency key.
    pub async fn credit_note(
        &self,
        id: Uuid,
        request: &orders::CreditNoteRequest,
    ) -> Result<orders::CreditNoteResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/orders/{id}/credit-notes"), request)
            .await
    }
}

service_client!(
    /// Client for the payments service: charges and refunds.
    PaymentsClient,
    ServiceName::Payments
);
impl PaymentsClient {
    /// Charges an order once, whoever asks and however often.
    pub async fn create_payment(
        &self,
        request: &payments::CreatePaymentRequest,
    ) -> Result<payments::PaymentResponse, ClientError> {
        self.http.post_json("/internal/payments", request).await
    }

    /// The order's payment; 404 when none was ever made.
    pub async fn payment_for_order(
        &self,
        order_id: Uuid,
    ) -> Result<payments::PaymentResponse, ClientError> {
        self.http
            .get_json(&format!("/internal/payments?order_id={order_id}"))
            .await
    }

    /// Refunds part or all of a payment, once per idempotency key.
    pub async fn refund(
        &self,
        payment_id: Uuid,
        request: &payments::RefundRequest,
    ) -> Result<payments::RefundResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/payments/{payment_id}/refunds"), request)
            .await
    }
}

service_client!(
    /// Client for the fulfilment service: packing, shipments, returns.
    FulfilmentClient,
    ServiceName::Fulfilment
);
impl FulfilmentClient {
    /// Hands a paid order over for packing (idempotent per order id).
    pub async fn create_fulfilment(
        &self,
        event: &orders::OrderPaidEvent,
    ) -> Result<fulfilment::FulfilmentResponse, ClientError> {
        self.http.post_json("/internal/fulfilments", event).await
    }

    /// Stops a fulfilment before packing; 409 `already_packed` after.
    pub async fn cancel_fulfilment(
        &self,
        order_id: Uuid,
    ) -> Result<fulfilment::FulfilmentResponse, ClientError> {
        self.http
            .post_json(&format!("/internal/fulfilments/{order_id}/cancel"), &())
            .await
    }
}
