//! The payments service's settings.

use std::time::Duration;

use shop_kit::config::{BaseSettings, ConfigError, Env};
use url::Url;

/// Everything the payments service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    /// `USERS_URL`: wallet debits and credits.
    pub users_url: Url,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `CARD_RETRY_BASE_MS`, default 100: the first backoff after a transient
    /// card failure (then doubled, with jitter; at most 2 retries).
    pub retry_base: Duration,
    /// `PAYMENT_STALE_SECS`, default 30: a pending payment untouched this long
    /// may be driven again by a retried request.
    pub stale_after: Duration,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let base = BaseSettings::from_env(env, 9004, "payments_db")?;
        Ok(Self {
            users_url: base.auth.users_url.clone(),
            base,
            currency: env.string("STORE_CURRENCY", "USD"),
            retry_base: env.millis("CARD_RETRY_BASE_MS", 100)?,
            stale_after: env.seconds("PAYMENT_STALE_SECS", 30)?,
        })
    }
}
