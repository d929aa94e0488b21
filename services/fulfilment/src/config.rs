//! The fulfilment service's settings.

use std::time::Duration;

use shop_client::ServiceName;
use shop_kit::{
    config::{BaseSettings, ConfigError, Env},
    outbox::RelaySettings,
};
use url::Url;

/// Everything the fulfilment service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    /// `ORDERS_URL`: where the outbox delivers status updates and received
    /// returns. Fulfilment calls no other service (orders gives money back).
    pub orders_url: Url,
    /// `RETURN_WINDOW_DAYS`, default 30: days after delivery a return may be asked for.
    pub return_window_days: i64,
    /// `COURIER_FAIL_FIRST`, default 0: the mock courier refuses this many
    /// bookings before it accepts any (to see retries work).
    pub courier_fail_first: u32,
    /// `FULFILMENT_RETRY_BASE_MS`, default 1000: first wait before a refused
    /// courier booking is tried again (doubled, at most 5 minutes).
    pub retry_base: Duration,
    /// `FULFILMENT_WORKER_INTERVAL_MS`, default 1000: how often due courier bookings are retried.
    pub worker_interval: Duration,
    /// `OUTBOX_POLL_MS`, `OUTBOX_MAX_ATTEMPTS`, `OUTBOX_BACKOFF_MS`.
    pub outbox: RelaySettings,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let orders = ServiceName::Orders;
        let return_window_days = env.parse("RETURN_WINDOW_DAYS", 30)?;
        if !(0..=3650).contains(&return_window_days) {
            return Err(ConfigError::new("RETURN_WINDOW_DAYS", "must be 0 to 3650"));
        }
        Ok(Self {
            base: BaseSettings::from_env(env, 9005, "fulfilment_db")?,
            orders_url: env.url(orders.url_var(), &orders.default_url(), &["http", "https"])?,
            return_window_days,
            courier_fail_first: env.parse("COURIER_FAIL_FIRST", 0)?,
            retry_base: env.millis("FULFILMENT_RETRY_BASE_MS", 1000)?,
            worker_interval: env.millis("FULFILMENT_WORKER_INTERVAL_MS", 1000)?,
            outbox: RelaySettings::from_env(env)?,
        })
    }
}
