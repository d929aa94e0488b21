//! Access tokens: EdDSA (Ed25519) JWTs, and the JWKS that lets every other
//! service verify them.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{
    SigningKey,
    pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _},
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::JwkSet};
use serde_json::json;
use shop_kit::auth::{Claims, Role};
use uuid::Uuid;

use crate::config::TokenSettings;

/// Signs access tokens with one key, named by its `kid`.
pub struct TokenIssuer {
    kid: String,
    encoding_key: EncodingKey,
    jwks: serde_json::Value,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl TokenIssuer {
    /// Loads the configured key, or generates one (with a warning: tokens
    /// then die with the process, and replicas would not share a key).
    pub fn new(settings: &TokenSettings, issuer: &str, audience: &str) -> anyhow::Result<Self> {
        let signing_key = match &settings.private_key_pem {
            Some(pem) => SigningKey::from_pkcs8_pem(pem)
                .map_err(|e| anyhow::anyhow!("invalid configuration: USERS_JWT_PRIVATE_KEY: not an Ed25519 PKCS#8 PEM key: {e}"))?,
            None => {
                tracing::warn!(
                    "no USERS_JWT_PRIVATE_KEY or USERS_JWT_PRIVATE_KEY_FILE: generated a signing key; \
                     tokens will not survive a restart"
                );
                SigningKey::from_bytes(&rand::random::<[u8; 32]>())
            }
        };
        let public = signing_key.verifying_key().to_bytes();
        let kid = shop_kit::auth::key_id(&public);
        let der = signing_key
            .to_pkcs8_der()
            .map_err(|e| anyhow::anyhow!("cannot encode the signing key: {e}"))?;
        let jwks = json!({"keys": [{
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(public),
            "kid": kid,
            "alg": "EdDSA",
            "use": "sig",
        }]});
        Ok(Self {
            kid,
            encoding_key: EncodingKey::from_ed_der(der.as_bytes()),
            jwks,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs: i64::try_from(settings.ttl.as_secs()).unwrap_or(900),
        })
    }

    /// `/.well-known/jwks.json`.
    pub fn jwks(&self) -> &serde_json::Value {
        &self.jwks
    }

    /// The same keys, typed, for this service's own verifier.
    pub fn key_set(&self) -> anyhow::Result<JwkSet> {
        Ok(serde_json::from_value(self.jwks.clone())?)
    }

    /// Seconds a token lives.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// A signed token for the user.
    pub fn issue(&self, user_id: Uuid, role: Role) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            role,
            iat: now,
            exp: now + self.ttl_secs,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding_key)
            .map_err(|e| anyhow::anyhow!("signing failed: {e}"))
    }
}
