//! The gateway's settings.

use std::{collections::BTreeMap, time::Duration};

use shop_client::ServiceName;
use shop_kit::config::{ConfigError, Env, ServerSettings, TelemetrySettings};
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
        })
    }
}
