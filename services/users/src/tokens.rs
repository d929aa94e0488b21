//! Access tokens: EdDSA (Ed25519) JWTs, and the JWKS that lets every other
//! service verify them.

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{VerifyingKey, pkcs8::EncodePrivateKey as _};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::JwkSet};
use serde_json::json;
use shop_kit::auth::{Claims, Role};
use uuid::Uuid;

use crate::keys::KeyRing;

/// Signs access tokens with one key, named by its `kid`, and publishes that
/// key and the previous ones (which verify but never sign).
pub struct TokenIssuer {
    kid: String,
    encoding_key: EncodingKey,
    jwks: serde_json::Value,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl TokenIssuer {
    /// An issuer signing with `keys.signing`; the JWKS lists it first, then
    /// every previous key.
    pub fn new(
        keys: &KeyRing,
        ttl: Duration,
        issuer: &str,
        audience: &str,
    ) -> anyhow::Result<Self> {
        let current = keys.signing.verifying_key();
        let kid = shop_kit::auth::key_id(current.as_bytes());
        let der = keys
            .signing
            .to_pkcs8_der()
            .map_err(|e| anyhow::anyhow!("cannot encode the signing key: {e}"))?;
        let published: Vec<serde_json::Value> = std::iter::once(&current)
            .chain(&keys.previous)
            .map(jwk)
            .collect();
        if keys.previous.is_empty() {
            tracing::info!(kid = %kid, "signing access tokens");
        } else {
            let previous: Vec<String> = keys
                .previous
                .iter()
                .map(|key| shop_kit::auth::key_id(key.as_bytes()))
                .collect();
            tracing::info!(kid = %kid, previous = ?previous, "signing access tokens; earlier keys still verify");
        }
        Ok(Self {
            kid,
            encoding_key: EncodingKey::from_ed_der(der.as_bytes()),
            jwks: json!({ "keys": published }),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs: i64::try_from(ttl.as_secs()).unwrap_or(900),
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

/// One public key as a JWK.
fn jwk(key: &VerifyingKey) -> serde_json::Value {
    json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.as_bytes()),
        "kid": shop_kit::auth::key_id(key.as_bytes()),
        "alg": "EdDSA",
        "use": "sig",
    })
}
