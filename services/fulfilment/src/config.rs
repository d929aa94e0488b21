//! The fulfilment service's settings.

use shop_kit::config::{BaseSettings, ConfigError, Env};

/// Everything the fulfilment service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            base: BaseSettings::from_env(env, 9005, "fulfilment_db")?,
        })
    }
}
