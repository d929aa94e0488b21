//! The catalogue's settings.

use shop_kit::config::{BaseSettings, ConfigError, Env, RedisSettings};

/// Everything the catalogue reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    pub redis: RedisSettings,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            base: BaseSettings::from_env(env, 9002, "catalogue_db")?,
            redis: RedisSettings::from_env(env)?,
        })
    }
}
