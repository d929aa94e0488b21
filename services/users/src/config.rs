//! The users service's settings.

use std::time::Duration;

use shop_kit::config::{BaseSettings, ConfigError, Env, RedisSettings};

/// Everything the users service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    pub redis: RedisSettings,
    pub tokens: TokenSettings,
    pub login_throttle: ThrottleSettings,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `SEED_DEMO_DATA`: create alice, bob, charlie (and the admin) at start.
    pub seed_demo_data: bool,
    /// `ADMIN_PASSWORD`: the password of `admin@shop.local`; unset, no admin is seeded.
    pub admin_password: Option<String>,
}

/// How access tokens are signed.
#[derive(Clone)]
pub struct TokenSettings {
    /// The Ed25519 private key, PKCS#8 PEM, from `USERS_JWT_PRIVATE_KEY` or
    /// the file named by `USERS_JWT_PRIVATE_KEY_FILE`; `None` generates one.
    pub private_key_pem: Option<String>,
    /// `ACCESS_TOKEN_TTL_SECS`, default 900.
    pub ttl: Duration,
}

impl std::fmt::Debug for TokenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSettings")
            .field(
                "private_key_pem",
                &self.private_key_pem.as_ref().map(|_| "***"),
            )
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// Failed logins allowed per window before 429.
#[derive(Clone, Debug)]
pub struct ThrottleSettings {
    /// `LOGIN_MAX_FAILURES_PER_EMAIL`, default 5.
    pub max_failures_per_email: u32,
    /// `LOGIN_MAX_FAILURES_PER_IP`, default 20.
    pub max_failures_per_ip: u32,
    /// `LOGIN_THROTTLE_WINDOW_SECS`, default 900.
    pub window: Duration,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let private_key_pem = match (
            env.get("USERS_JWT_PRIVATE_KEY"),
            env.get("USERS_JWT_PRIVATE_KEY_FILE"),
        ) {
            (Some(pem), _) => Some(pem.to_owned()),
            (None, Some(path)) => Some(std::fs::read_to_string(path).map_err(|e| {
                ConfigError::new(
                    "USERS_JWT_PRIVATE_KEY_FILE",
                    format!("cannot read {path}: {e}"),
                )
            })?),
            (None, None) => None,
        };
        let currency = env.string("STORE_CURRENCY", "USD");
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::new(
                "STORE_CURRENCY",
                "must be an ISO 4217 code such as USD",
            ));
        }
        Ok(Self {
            base: BaseSettings::from_env(env, 9001, "users_db")?,
            redis: RedisSettings::from_env(env)?,
            tokens: TokenSettings {
                private_key_pem,
                ttl: env.seconds("ACCESS_TOKEN_TTL_SECS", 900)?,
            },
            login_throttle: ThrottleSettings {
                max_failures_per_email: env.parse("LOGIN_MAX_FAILURES_PER_EMAIL", 5)?,
                max_failures_per_ip: env.parse("LOGIN_MAX_FAILURES_PER_IP", 20)?,
                window: env.seconds("LOGIN_THROTTLE_WINDOW_SECS", 900)?,
            },
            currency,
            seed_demo_data: env.flag("SEED_DEMO_DATA", false)?,
            admin_password: env.get("ADMIN_PASSWORD").map(str::to_owned),
        })
    }
}
