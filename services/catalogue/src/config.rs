//! The catalogue's settings.

use std::time::Duration;

use shop_kit::{
    config::{BaseSettings, ConfigError, Env, RedisSettings},
    local_cache::Bounds,
};
use url::Url;

use crate::domain::image::ImageRules;

/// Everything the catalogue reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    pub redis: RedisSettings,
    /// `CACHE_TTL_SECS`, default 60: how long a cached value may live.
    pub cache_ttl: Duration,
    /// `CACHE_MEMORY_MAX_ENTRIES` (default 20000) and `CACHE_MEMORY_MAX_BYTES`
    /// (default 64 MiB): what one instance keeps in memory, at most.
    pub cache_memory: Bounds,
    /// `CACHE_WARM_UP_COUNT`, default 50: products cached at start.
    pub warm_up_count: i64,
    /// `RESERVATION_TTL_SECS`, default 900: how long stock stays held.
    pub reservation_ttl: Duration,
    /// `RESERVATION_SWEEP_INTERVAL_MS`, default 5000: how often expired holds are released.
    pub sweep_interval: Duration,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `SEED_DEMO_DATA`: load `data/demo-products.json` at start, each
    /// product with a picture.
    pub seed_demo_data: bool,
    pub media: MediaSettings,
}

/// Where product pictures are kept and how they are handed out.
#[derive(Clone, Debug)]
pub struct MediaSettings {
    /// `MEDIA_STORE_URL`: `file:///folder` (default: `media/` under the
    /// working directory), `s3://bucket/prefix`, `az://container/prefix` or
    /// `gs://bucket/prefix`.
    pub store_url: Url,
    /// `MEDIA_URL_SECRET`: signs the local store's links (16 characters at least).
    pub url_secret: String,
    /// `MEDIA_URL_TTL_SECS`, default 86400: how long a link lasts. At least
    /// four times `CACHE_TTL_SECS` (so a cached product's links have long
    /// to live) and at most 7 days (what S3 signs for).
    pub url_ttl: Duration,
    /// `MEDIA_CACHE_CONTROL`, `public` (default) or `private`: whether shared
    /// caches may keep the local route's answers.
    pub public: bool,
    /// `MEDIA_MAX_BYTES`, default 5 MiB: the largest upload (413 past it).
    pub max_bytes: usize,
    /// `MEDIA_MAX_DIMENSION` (default 10000) and `MEDIA_MAX_PIXELS` (default 25 million).
    pub rules: ImageRules,
    /// `MEDIA_UPLOAD_CONCURRENCY`, default 2: uploads handled at once.
    pub upload_concurrency: usize,
    /// The store's own variables (`AWS_*`, `AZURE_*`, `GOOGLE_*`).
    pub store_env: StoreEnv,
}

/// The variables a cloud store reads; shown by name only, never by value.
#[derive(Clone)]
pub struct StoreEnv(pub Env);

impl std::fmt::Debug for StoreEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = ["AWS_", "AZURE_", "GOOGLE_"]
            .into_iter()
            .flat_map(|prefix| self.0.prefixed(prefix))
            .map(|(name, _)| name);
        f.debug_list().entries(names).finish()
    }
}

impl MediaSettings {
    fn from_env(env: &Env, cache_ttl: Duration) -> Result<Self, ConfigError> {
        let store_url = match env.get("MEDIA_STORE_URL") {
            Some(raw) => Url::parse(raw.trim()).map_err(|e| {
                ConfigError::new("MEDIA_STORE_URL", format!("not a valid URL: {e}"))
            })?,
            None => std::env::current_dir()
                .ok()
                .and_then(|dir| Url::from_directory_path(dir.join("media")).ok())
                .ok_or_else(|| {
                    ConfigError::new("MEDIA_STORE_URL", "unset, and no working directory")
                })?,
        };
        let url_secret = env.string("MEDIA_URL_SECRET", "dev-media-url-secret");
        if url_secret.len() < 16 {
            return Err(ConfigError::new(
                "MEDIA_URL_SECRET",
                "must be at least 16 characters",
            ));
        }
        let url_ttl = env.seconds("MEDIA_URL_TTL_SECS", 86_400)?;
        let floor = (cache_ttl * 4).max(Duration::from_secs(60));
        if url_ttl < floor || url_ttl > Duration::from_secs(7 * 86_400) {
            return Err(ConfigError::new(
                "MEDIA_URL_TTL_SECS",
                format!(
                    "must be from {} (four times CACHE_TTL_SECS, and at least 60) to 604800 (7 days)",
                    floor.as_secs()
                ),
            ));
        }
        let public = match env.string("MEDIA_CACHE_CONTROL", "public").as_str() {
            "public" => true,
            "private" => false,
            _ => {
                return Err(ConfigError::new(
                    "MEDIA_CACHE_CONTROL",
                    "must be public or private",
                ));
            }
        };
        let max_bytes: usize = env.parse("MEDIA_MAX_BYTES", 5 << 20)?;
        if max_bytes < 1024 {
            return Err(ConfigError::new("MEDIA_MAX_BYTES", "must be at least 1024"));
        }
        let rules = ImageRules {
            max_dimension: env.parse("MEDIA_MAX_DIMENSION", 10_000)?,
            max_pixels: env.parse("MEDIA_MAX_PIXELS", 25_000_000)?,
        };
        if rules.max_dimension < 16 {
            return Err(ConfigError::new(
                "MEDIA_MAX_DIMENSION",
                "must be at least 16",
            ));
        }
        if rules.max_pixels < 256 {
            return Err(ConfigError::new("MEDIA_MAX_PIXELS", "must be at least 256"));
        }
        let upload_concurrency: usize = env.parse("MEDIA_UPLOAD_CONCURRENCY", 2)?;
        if upload_concurrency == 0 {
            return Err(ConfigError::new(
                "MEDIA_UPLOAD_CONCURRENCY",
                "must be at least 1",
            ));
        }
        Ok(Self {
            store_url,
            url_secret,
            url_ttl,
            public,
            max_bytes,
            rules,
            upload_concurrency,
            store_env: StoreEnv(env.clone()),
        })
    }
}

impl Settings {
    /// Reads and checks every variable; the error names the first bad one.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let reservation_ttl = env.seconds("RESERVATION_TTL_SECS", 900)?;
        if reservation_ttl.is_zero() {
            return Err(ConfigError::new(
                "RESERVATION_TTL_SECS",
                "must be at least 1",
            ));
        }
        let cache_ttl = env.seconds("CACHE_TTL_SECS", 60)?;
        let cache_memory = Bounds {
            max_entries: env.parse("CACHE_MEMORY_MAX_ENTRIES", 20_000)?,
            max_bytes: env.parse("CACHE_MEMORY_MAX_BYTES", 64 << 20)?,
            ttl: cache_ttl,
        };
        for (name, value) in [
            ("CACHE_MEMORY_MAX_ENTRIES", cache_memory.max_entries),
            ("CACHE_MEMORY_MAX_BYTES", cache_memory.max_bytes),
        ] {
            if value < 100 {
                return Err(ConfigError::new(name, "must be at least 100"));
            }
        }
        Ok(Self {
            base: BaseSettings::from_env(env, 9002, "catalogue_db")?,
            redis: RedisSettings::from_env(env)?,
            cache_ttl,
            cache_memory,
            warm_up_count: env.parse("CACHE_WARM_UP_COUNT", 50)?,
            reservation_ttl,
            sweep_interval: env.millis("RESERVATION_SWEEP_INTERVAL_MS", 5000)?,
            currency: env.string("STORE_CURRENCY", "USD"),
            seed_demo_data: env.flag("SEED_DEMO_DATA", false)?,
            media: MediaSettings::from_env(env, cache_ttl)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(pairs: &[(&str, &str)]) -> String {
        let env = Env::from_pairs(pairs.iter().copied());
        Settings::from_env(&env).unwrap_err().to_string()
    }

    #[test]
    fn bad_media_settings_name_their_variable() {
        for (pairs, variable) in [
            (vec![("MEDIA_STORE_URL", "not a url")], "MEDIA_STORE_URL"),
            (vec![("MEDIA_URL_SECRET", "short")], "MEDIA_URL_SECRET"),
            (vec![("MEDIA_URL_TTL_SECS", "100")], "MEDIA_URL_TTL_SECS"),
            (
                vec![("CACHE_TTL_SECS", "600"), ("MEDIA_URL_TTL_SECS", "2000")],
                "MEDIA_URL_TTL_SECS",
            ),
            (vec![("MEDIA_URL_TTL_SECS", "700000")], "MEDIA_URL_TTL_SECS"),
            (
                vec![("MEDIA_CACHE_CONTROL", "shared")],
                "MEDIA_CACHE_CONTROL",
            ),
            (vec![("MEDIA_MAX_BYTES", "12")], "MEDIA_MAX_BYTES"),
            (
                vec![("MEDIA_UPLOAD_CONCURRENCY", "0")],
                "MEDIA_UPLOAD_CONCURRENCY",
            ),
        ] {
            let message = refused(&pairs);
            assert!(message.contains(variable), "{pairs:?}: {message}");
        }
    }

    #[test]
    fn the_media_defaults_hold_together() {
        let settings = Settings::from_env(&Env::default()).unwrap();
        assert_eq!(settings.media.url_ttl, Duration::from_secs(86_400));
        assert_eq!(settings.media.max_bytes, 5 << 20);
        assert!(settings.media.store_url.as_str().ends_with("/media/"));
        assert!(settings.media.public);
    }
}
