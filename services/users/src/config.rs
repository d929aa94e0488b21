//! The users service's settings.

use std::{path::PathBuf, time::Duration};

use shop_kit::config::{BaseSettings, ConfigError, Env, RedisSettings};

/// Everything the users service reads from the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base: BaseSettings,
    pub redis: RedisSettings,
    pub tokens: TokenSettings,
    pub hashers: HasherSettings,
    pub login_throttle: ThrottleSettings,
    /// `STORE_CURRENCY`, default `USD`.
    pub currency: String,
    /// `SEED_DEMO_DATA`: create alice, bob, charlie (and the admin) at start.
    pub seed_demo_data: bool,
    /// `ADMIN_PASSWORD`: the password of `admin@shop.local`; unset, no admin is seeded.
    pub admin_password: Option<String>,
}

/// How access tokens are signed, and which earlier keys still verify.
#[derive(Clone, Debug)]
pub struct TokenSettings {
    pub signing_key: SigningKeySource,
    pub previous_keys: PreviousKeys,
    /// `ACCESS_TOKEN_TTL_SECS`, default 900.
    pub ttl: Duration,
}

/// `USERS_JWT_PRIVATE_KEY`: the signing key itself.
pub const PRIVATE_KEY: &str = "USERS_JWT_PRIVATE_KEY";
/// `USERS_JWT_PRIVATE_KEY_FILE`: a file holding the signing key.
pub const PRIVATE_KEY_FILE: &str = "USERS_JWT_PRIVATE_KEY_FILE";
/// `USERS_JWT_GENERATE_KEY`: create that file when it is missing.
pub const GENERATE_KEY: &str = "USERS_JWT_GENERATE_KEY";
/// `USERS_JWT_PREVIOUS_PUBLIC_KEYS`: keys that verify but never sign.
pub const PREVIOUS_KEYS: &str = "USERS_JWT_PREVIOUS_PUBLIC_KEYS";
/// `USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE`: a file holding them.
pub const PREVIOUS_KEYS_FILE: &str = "USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE";

/// Where the Ed25519 signing key (PKCS#8 PEM) comes from.
#[derive(Clone)]
pub enum SigningKeySource {
    /// `USERS_JWT_PRIVATE_KEY`: the PEM itself (a secret in the environment).
    Pem(String),
    /// `USERS_JWT_PRIVATE_KEY_FILE`: a file (a mounted secret, or a volume);
    /// with `generate` (`USERS_JWT_GENERATE_KEY=true`) it is created with a
    /// new key when missing, once, whoever of several replicas gets there first.
    File { path: PathBuf, generate: bool },
    /// Neither: a key for this process only, gone at restart.
    Ephemeral,
}

impl std::fmt::Debug for SigningKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pem(_) => f.write_str("Pem(***)"),
            Self::File { path, generate } => f
                .debug_struct("File")
                .field("path", path)
                .field("generate", generate)
                .finish(),
            Self::Ephemeral => f.write_str("Ephemeral"),
        }
    }
}

/// Public keys of earlier signing keys: published in the JWKS and accepted
/// by this service's own verifier until the tokens they signed expire, never
/// used to sign. One or more PEM blocks, each a public key (SPKI, `BEGIN
/// PUBLIC KEY`) or the old private key itself (PKCS#8, `BEGIN PRIVATE KEY`;
/// only its public half is used).
#[derive(Clone, Debug)]
pub enum PreviousKeys {
    None,
    /// `USERS_JWT_PREVIOUS_PUBLIC_KEYS`: the PEM blocks.
    Pem(String),
    /// `USERS_JWT_PREVIOUS_PUBLIC_KEYS_FILE`: a file holding them.
    File(PathBuf),
}

/// How password hashing is bounded (see [`crate::hashers`]).
#[derive(Clone, Debug)]
pub struct HasherSettings {
    /// `PASSWORD_HASHERS`, default one per core: hashes that may run at
    /// once. Each hasher holds 19 MiB of Argon2 memory for life.
    pub count: usize,
    /// `PASSWORD_HASH_WAIT_MS`, default 2000: how long a sign-up or login
    /// waits for a busy hasher before it is answered 503 with `Retry-After`.
    pub wait: Duration,
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
                signing_key: signing_key_source(env)?,
                previous_keys: previous_keys(env)?,
                ttl: env.seconds("ACCESS_TOKEN_TTL_SECS", 900)?,
            },
            hashers: hasher_settings(env)?,
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

fn signing_key_source(env: &Env) -> Result<SigningKeySource, ConfigError> {
    let generate = env.flag(GENERATE_KEY, false)?;
    match (env.get(PRIVATE_KEY), env.get(PRIVATE_KEY_FILE)) {
        (Some(_), Some(_)) => Err(ConfigError::new(
            PRIVATE_KEY_FILE,
            format!("set {PRIVATE_KEY} or {PRIVATE_KEY_FILE}, not both"),
        )),
        (Some(_), None) if generate => Err(ConfigError::new(
            GENERATE_KEY,
            format!("generates into {PRIVATE_KEY_FILE}; it cannot be combined with {PRIVATE_KEY}"),
        )),
        (Some(pem), None) => Ok(SigningKeySource::Pem(pem.to_owned())),
        (None, Some(path)) => Ok(SigningKeySource::File {
            path: PathBuf::from(path.trim()),
            generate,
        }),
        (None, None) if generate => Err(ConfigError::new(
            GENERATE_KEY,
            format!("needs {PRIVATE_KEY_FILE}: the file to generate the key into"),
        )),
        (None, None) => Ok(SigningKeySource::Ephemeral),
    }
}

fn previous_keys(env: &Env) -> Result<PreviousKeys, ConfigError> {
    match (env.get(PREVIOUS_KEYS), env.get(PREVIOUS_KEYS_FILE)) {
        (Some(_), Some(_)) => Err(ConfigError::new(
            PREVIOUS_KEYS_FILE,
            format!("set {PREVIOUS_KEYS} or {PREVIOUS_KEYS_FILE}, not both"),
        )),
        (Some(pem), None) => Ok(PreviousKeys::Pem(pem.to_owned())),
        (None, Some(path)) => Ok(PreviousKeys::File(PathBuf::from(path.trim()))),
        (None, None) => Ok(PreviousKeys::None),
    }
}

fn hasher_settings(env: &Env) -> Result<HasherSettings, ConfigError> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let count = env.parse("PASSWORD_HASHERS", cores)?;
    if count == 0 {
        return Err(ConfigError::new("PASSWORD_HASHERS", "must be at least 1"));
    }
    Ok(HasherSettings {
        count,
        wait: env.millis("PASSWORD_HASH_WAIT_MS", 2000)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().copied())
    }

    fn error_of(pairs: &[(&str, &str)]) -> ConfigError {
        Settings::from_env(&env(pairs)).unwrap_err()
    }

    #[test]
    fn without_a_key_the_process_makes_its_own() {
        let settings = Settings::from_env(&env(&[])).unwrap();
        assert!(matches!(
            settings.tokens.signing_key,
            SigningKeySource::Ephemeral
        ));
        assert!(matches!(settings.tokens.previous_keys, PreviousKeys::None));
        assert!(settings.hashers.count >= 1);
        assert_eq!(settings.hashers.wait, Duration::from_millis(2000));
    }

    #[test]
    fn a_key_file_may_be_generated() {
        let settings = Settings::from_env(&env(&[
            (PRIVATE_KEY_FILE, "/var/lib/shop/keys/jwt-ed25519.pem"),
            (GENERATE_KEY, "true"),
        ]))
        .unwrap();
        match settings.tokens.signing_key {
            SigningKeySource::File { path, generate } => {
                assert_eq!(path, PathBuf::from("/var/lib/shop/keys/jwt-ed25519.pem"));
                assert!(generate);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn conflicting_key_settings_name_the_variable() {
        assert_eq!(error_of(&[(GENERATE_KEY, "true")]).var, GENERATE_KEY);
        assert_eq!(
            error_of(&[(PRIVATE_KEY, "pem"), (GENERATE_KEY, "true")]).var,
            GENERATE_KEY
        );
        assert_eq!(
            error_of(&[(PRIVATE_KEY, "pem"), (PRIVATE_KEY_FILE, "/k.pem")]).var,
            PRIVATE_KEY_FILE
        );
        assert_eq!(
            error_of(&[(PREVIOUS_KEYS, "pem"), (PREVIOUS_KEYS_FILE, "/p.pem")]).var,
            PREVIOUS_KEYS_FILE
        );
        assert_eq!(error_of(&[(GENERATE_KEY, "maybe")]).var, GENERATE_KEY);
    }

    #[test]
    fn hashers_are_at_least_one() {
        assert_eq!(
            error_of(&[("PASSWORD_HASHERS", "0")]).var,
            "PASSWORD_HASHERS"
        );
        assert_eq!(
            error_of(&[("PASSWORD_HASHERS", "many")]).var,
            "PASSWORD_HASHERS"
        );
        assert_eq!(
            error_of(&[("PASSWORD_HASH_WAIT_MS", "soon")]).var,
            "PASSWORD_HASH_WAIT_MS"
        );
        let settings = Settings::from_env(&env(&[
            ("PASSWORD_HASHERS", "3"),
            ("PASSWORD_HASH_WAIT_MS", "250"),
        ]))
        .unwrap();
        assert_eq!(settings.hashers.count, 3);
        assert_eq!(settings.hashers.wait, Duration::from_millis(250));
    }

    #[test]
    fn the_debug_output_hides_the_private_key() {
        let settings = Settings::from_env(&env(&[(PRIVATE_KEY, "SECRET-PEM")])).unwrap();
        assert!(!format!("{settings:?}").contains("SECRET-PEM"));
    }
}
