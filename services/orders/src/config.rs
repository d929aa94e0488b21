//! The orders service's settings.

use std::time::Duration;

use shop_client::ServiceName;
use shop_kit::{
    config::{BaseSettings, ConfigError, Env},
    outbox::RelaySettings,
};
use url::Url;

/// Everything the orders service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    /// `CATALOGUE_URL`: prices and stock reservations.
    pub catalogue_url: Url,
    /// `PAYMENTS_URL`: charges and refunds.
    pub payments_url: Url,
    /// `FULFILMENT_URL`: where `order.paid` is delivered.
    pub fulfilment_url: Url,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `CHECKOUT_LEASE_SECS`, default 60: how long a checkout (or the
    /// recovery worker) owns an order before someone else may drive it.
    pub lease: Duration,
    /// `ORDER_RECOVERY_AFTER_SECS`, default 30: how long an order may sit in
    /// `pending` or `reserved` before the recovery worker resolves it.
    pub recovery_after: Duration,
    /// `ORDER_RECOVERY_INTERVAL_MS`, default 5000.
    pub recovery_interval: Duration,
    /// `OUTBOX_POLL_MS`, `OUTBOX_MAX_ATTEMPTS`, `OUTBOX_BACKOFF_MS`.
    pub outbox: RelaySettings,
    /// `PAYMENTS_TIMEOUT_MS`, default 15000: a card charge may retry inside payments.
    pub payments_timeout: Duration,
    /// `CART_COOKIE_SECURE`, default false: set it behind HTTPS.
    pub cookie_secure: bool,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let service_url = |service: ServiceName| {
            env.url(
                service.url_var(),
                &service.default_url(),
                &["http", "https"],
            )
        };
        Ok(Self {
            base: BaseSettings::from_env(env, 9003, "orders_db")?,
            catalogue_url: service_url(ServiceName::Catalogue)?,
            payments_url: service_url(ServiceName::Payments)?,
            fulfilment_url: service_url(ServiceName::Fulfilment)?,
            currency: env.string("STORE_CURRENCY", "USD"),
            lease: env.seconds("CHECKOUT_LEASE_SECS", 60)?,
            recovery_after: env.seconds("ORDER_RECOVERY_AFTER_SECS", 30)?,
            recovery_interval: env.millis("ORDER_RECOVERY_INTERVAL_MS", 5000)?,
            outbox: RelaySettings::from_env(env)?,
            payments_timeout: env.millis("PAYMENTS_TIMEOUT_MS", 15_000)?,
            cookie_secure: env.flag("CART_COOKIE_SECURE", false)?,
        })
    }
}
