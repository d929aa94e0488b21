//! The gateway's settings.

use std::{collections::BTreeMap, time::Duration};

use shop_client::ServiceName;
use shop_kit::config::{
    AuthSettings, ConfigError, Env, RedisSettings, ServerSettings, TelemetrySettings,
};
use url::Url;

/// Everything the gateway reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub server: ServerSettings,
    pub telemetry: TelemetrySettings,
    /// `USERS_URL`, `CATALOGUE_URL`, ... (defaults: `http://127.0.0.1:900N`).
    pub upstreams: BTreeMap<ServiceName, Url>,
    /// `GATEWAY_UPSTREAM_TIMEOUT_MS`, default 10000: a service slower than this is a 504.
    pub upstream_timeout: Duration,
    /// Token verification (keys from the users service).
    pub auth: AuthSettings,
    /// Rate-limit counters.
    pub redis: RedisSettings,
    /// `RATE_LIMIT_PER_IP_PER_MIN` (default 600), `RATE_LIMIT_PER_USER_PER_MIN`
    /// (default 1200), `RATE_LIMIT_LOGIN_PER_IP_PER_MIN` (default 20); 0 turns one off.
    pub limits: Limits,
}

/// Requests allowed per minute; 0 turns a limit off.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Per client IP.
    pub per_ip: u32,
    /// Per signed-in user.
    pub per_user: u32,
    /// Logins per client IP.
    pub login_per_ip: u32,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let mut server = ServerSettings::from_env(env, 9000)?;
        // The gateway streams bodies through; its own limit applies to them.
        server.body_limit_bytes = env.parse("BODY_LIMIT_BYTES", 1024 * 1024)?;
        let upstreams = ServiceName::ALL
            .into_iter()
            .map(|service| {
                let url = env.url(
                    service.url_var(),
                    &service.default_url(),
                    &["http", "https"],
                )?;
                Ok((service, url))
            })
            .collect::<Result<_, ConfigError>>()?;
        Ok(Self {
            server,
            telemetry: TelemetrySettings::from_env(env)?,
            upstreams,
            upstream_timeout: env.millis("GATEWAY_UPSTREAM_TIMEOUT_MS", 10_000)?,
            auth: AuthSettings::from_env(env)?,
            redis: RedisSettings::from_env(env)?,
            limits: Limits {
                per_ip: env.parse("RATE_LIMIT_PER_IP_PER_MIN", 600)?,
                per_user: env.parse("RATE_LIMIT_PER_USER_PER_MIN", 1200)?,
                login_per_ip: env.parse("RATE_LIMIT_LOGIN_PER_IP_PER_MIN", 20)?,
            },
        })
    }
}
