//! Settings from environment variables, with defaults that work natively on one machine.
//!
//! Every variable is read through [`Env`], so a bad value fails start-up with a
//! [`ConfigError`] naming the variable, and tests can build settings from a map
//! without touching the process environment.

use std::{collections::HashMap, fmt::Display, str::FromStr, time::Duration};

use url::Url;

/// A variable whose value cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}: {reason}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub var: String,
    /// What is wrong with its value.
    pub reason: String,
}

impl ConfigError {
    /// An error for `var`.
    pub fn new(var: &str, reason: impl Into<String>) -> Self {
        Self {
            var: var.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A snapshot of environment variables. An empty value counts as unset.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// The process environment.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    /// An environment made of the given pairs only (for tests).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The same environment with `name` set to `value`.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.vars.insert(name.to_owned(), value.into());
        self
    }

    /// The raw value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// Every set variable whose name starts with `prefix` (for a library
    /// configured by its own variables, such as `AWS_*`), sorted by name.
    pub fn prefixed(&self, prefix: &str) -> Vec<(&str, &str)> {
        let mut vars: Vec<(&str, &str)> = self
            .vars
            .iter()
            .filter(|(k, v)| k.starts_with(prefix) && !v.trim().is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        vars.sort_unstable();
        vars
    }

    /// `name` as a string, or `default`.
    pub fn string(&self, name: &str, default: &str) -> String {
        self.get(name).unwrap_or(default).to_owned()
    }

    /// `name` parsed as `T`, or `default` when unset.
    pub fn parse<T>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e| ConfigError::new(name, format!("cannot parse {raw:?}: {e}"))),
        }
    }

    /// `name` as a whole number of milliseconds, or `default`.
    pub fn millis(&self, name: &str, default: u64) -> Result<Duration, ConfigError> {
        self.parse(name, default).map(Duration::from_millis)
    }

    /// `name` as a whole number of seconds, or `default`.
    pub fn seconds(&self, name: &str, default: u64) -> Result<Duration, ConfigError> {
        self.parse(name, default).map(Duration::from_secs)
    }

    /// `name` as `true`/`false` (also `1`/`0`, `yes`/`no`), or `default`.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(false),
            Some(v) => Err(ConfigError::new(
                name,
                format!("expected true or false, got {v:?}"),
            )),
        }
    }

    /// `name` as an absolute URL with one of `schemes` and a host, or `default`.
    pub fn url(&self, name: &str, default: &str, schemes: &[&str]) -> Result<Url, ConfigError> {
        let raw = self.get(name).unwrap_or(default);
        let url = Url::parse(raw.trim())
            .map_err(|e| ConfigError::new(name, format!("not a valid URL: {e}")))?;
        if !schemes.contains(&url.scheme()) {
            return Err(ConfigError::new(
                name,
                format!(
                    "scheme must be one of {}, got {:?}",
                    schemes.join(", "),
                    url.scheme()
                ),
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ConfigError::new(name, "the URL has no host"));
        }
        Ok(url)
    }
}

/// How a service serves HTTP.
#[derive(Clone, Debug)]
pub struct ServerSettings {
    /// `HOST`, default `0.0.0.0`.
    pub host: String,
    /// `PORT`; 0 picks a free port (tests).
    pub port: u16,
    /// `HTTP_WORKERS`, default: one per core.
    pub workers: usize,
    /// `BODY_LIMIT_BYTES`, default 256 KiB: the largest request body accepted.
    pub body_limit_bytes: usize,
    /// `SHUTDOWN_TIMEOUT_SECS`, default 30: how long in-flight requests may drain.
    pub shutdown_timeout: Duration,
}

impl ServerSettings {
    /// Reads the server settings; `default_port` is the service's own port.
    pub fn from_env(env: &Env, default_port: u16) -> Result<Self, ConfigError> {
        let workers = env.parse(
            "HTTP_WORKERS",
            std::thread::available_parallelism().map_or(2, usize::from),
        )?;
        if workers == 0 {
            return Err(ConfigError::new("HTTP_WORKERS", "must be at least 1"));
        }
        Ok(Self {
            host: env.string("HOST", "0.0.0.0"),
            port: env.parse("PORT", default_port)?,
            workers,
            body_limit_bytes: env.parse("BODY_LIMIT_BYTES", 256 * 1024)?,
            shutdown_timeout: env.seconds("SHUTDOWN_TIMEOUT_SECS", 30)?,
        })
    }
}

/// The PostgreSQL database a service owns.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`, default `postgres://shop:shop@127.0.0.1:5432/<service>_db`.
    pub url: Url,
    /// `DATABASE_POOL_SIZE`, default 16.
    pub pool_size: usize,
    /// `DATABASE_TIMEOUT_MS`, default 3000: waiting for or opening a connection.
    pub timeout: Duration,
}

impl DatabaseSettings {
    /// Reads `DATABASE_URL` and the pool settings; `database` names the default database.
    pub fn from_env(env: &Env, database: &str) -> Result<Self, ConfigError> {
        let default = format!("postgres://shop:shop@127.0.0.1:5432/{database}");
        let url = env.url("DATABASE_URL", &default, &["postgres", "postgresql"])?;
        if url.path().trim_start_matches('/').is_empty() {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "the URL names no database",
            ));
        }
        let pool_size = env.parse("DATABASE_POOL_SIZE", 16)?;
        if pool_size == 0 {
            return Err(ConfigError::new("DATABASE_POOL_SIZE", "must be at least 1"));
        }
        Ok(Self {
            url,
            pool_size,
            timeout: env.millis("DATABASE_TIMEOUT_MS", 3000)?,
        })
    }
}

/// The Redis server a service uses.
#[derive(Clone, Debug)]
pub struct RedisSettings {
    /// `REDIS_URL`, default `redis://127.0.0.1:6379`.
    pub url: Url,
    /// `REDIS_KEY_PREFIX`, default `shop:`; every key starts with it.
    pub key_prefix: String,
    /// `REDIS_POOL_SIZE`, default 16.
    pub pool_size: usize,
    /// `REDIS_TIMEOUT_MS`, default 500: a slow Redis must not slow the shop.
    pub timeout: Duration,
}

impl RedisSettings {
    /// Reads `REDIS_URL` and the pool settings.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            url: env.url("REDIS_URL", "redis://127.0.0.1:6379", &["redis", "rediss"])?,
            key_prefix: env.string("REDIS_KEY_PREFIX", "shop:"),
            pool_size: env.parse("REDIS_POOL_SIZE", 16)?,
            timeout: env.millis("REDIS_TIMEOUT_MS", 500)?,
        })
    }
}

/// Logs and traces.
#[derive(Clone, Debug)]
pub struct TelemetrySettings {
    /// `LOG_FORMAT`: `json` (default) or `pretty`.
    pub json: bool,
    /// `RUST_LOG`, default `info`.
    pub filter: String,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`: spans are exported over OTLP/HTTP only when set.
    pub otlp_endpoint: Option<Url>,
}

impl TelemetrySettings {
    /// Reads the telemetry settings.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let json = match env.string("LOG_FORMAT", "json").as_str() {
            "json" => true,
            "pretty" => false,
            other => {
                return Err(ConfigError::new(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };
        let otlp_endpoint = match env.get("OTEL_EXPORTER_OTLP_ENDPOINT") {
            None => None,
            // Plain HTTP to a collector beside the service: the binaries carry no TLS stack.
            Some(_) => Some(env.url("OTEL_EXPORTER_OTLP_ENDPOINT", "", &["http"])?),
        };
        Ok(Self {
            json,
            filter: env.string("RUST_LOG", "info"),
            otlp_endpoint,
        })
    }
}

/// The shared secret that guards `/internal/*` routes.
pub fn internal_api_token(env: &Env) -> Result<String, ConfigError> {
    let token = env.string("INTERNAL_API_TOKEN", "dev-internal-token");
    if token.len() < 16 {
        return Err(ConfigError::new(
            "INTERNAL_API_TOKEN",
            "must be at least 16 characters",
        ));
    }
    Ok(token)
}

/// Who issues access tokens and for whom, and where their keys are.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// `USERS_URL`: the JWKS is at `<USERS_URL>/.well-known/jwks.json`.
    pub users_url: Url,
    /// `JWT_ISSUER`, default `shop-users`.
    pub issuer: String,
    /// `JWT_AUDIENCE`, default `shop`.
    pub audience: String,
}

impl AuthSettings {
    /// Reads the token settings.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            users_url: env.url("USERS_URL", "http://127.0.0.1:9001", &["http", "https"])?,
            issuer: env.string("JWT_ISSUER", "shop-users"),
            audience: env.string("JWT_AUDIENCE", "shop"),
        })
    }
}

/// What every domain service reads: how to serve, its database, telemetry,
/// tokens and the internal token.
#[derive(Clone, Debug)]
pub struct BaseSettings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub telemetry: TelemetrySettings,
    pub auth: AuthSettings,
    pub internal_api_token: String,
}

impl BaseSettings {
    /// Reads the base settings of a service on `default_port` owning `database`.
    pub fn from_env(env: &Env, default_port: u16, database: &str) -> Result<Self, ConfigError> {
        Ok(Self {
            server: ServerSettings::from_env(env, default_port)?,
            database: DatabaseSettings::from_env(env, database)?,
            telemetry: TelemetrySettings::from_env(env)?,
            auth: AuthSettings::from_env(env)?,
            internal_api_token: internal_api_token(env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_that_is_not_a_url_names_the_variable() {
        let env = Env::from_pairs([("DATABASE_URL", "not a url")]);
        let err = DatabaseSettings::from_env(&env, "users_db").unwrap_err();
        assert_eq!(err.var, "DATABASE_URL");
        assert!(err.to_string().contains("DATABASE_URL"));
    }

    #[test]
    fn a_database_url_with_another_scheme_is_rejected() {
        let env = Env::from_pairs([("DATABASE_URL", "mysql://localhost/users_db")]);
        let err = DatabaseSettings::from_env(&env, "users_db").unwrap_err();
        assert!(err.reason.contains("scheme"), "{err}");
    }

    #[test]
    fn defaults_work_natively() {
        let env = Env::default();
        let db = DatabaseSettings::from_env(&env, "users_db").unwrap();
        assert_eq!(db.url.path(), "/users_db");
        let server = ServerSettings::from_env(&env, 9001).unwrap();
        assert_eq!(server.port, 9001);
    }

    #[test]
    fn an_unparsable_port_names_the_variable() {
        let env = Env::from_pairs([("PORT", "nine thousand")]);
        let err = ServerSettings::from_env(&env, 9001).unwrap_err();
        assert_eq!(err.var, "PORT");
    }

    #[test]
    fn empty_values_count_as_unset() {
        let env = Env::from_pairs([("PORT", "  ")]);
        assert_eq!(ServerSettings::from_env(&env, 9004).unwrap().port, 9004);
    }
}
