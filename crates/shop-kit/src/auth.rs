//! Who is calling: JWT verification against the users service's JWKS, the
//! signed-in-user and admin extractors, and the internal-token guard.
//!
//! Access tokens are EdDSA (Ed25519) JWTs issued by users. Every service
//! verifies them itself (the gateway checks first, but a service never trusts
//! a header the gateway might have been bypassed for): signature against the
//! JWKS (cached, re-fetched when a token names an unknown `kid`), `alg` pinned
//! to EdDSA, `exp`, `iss` and `aud`.

use shop_client::wire::ErrorCode;
use std::{
    collections::HashMap,
    future::Future,
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::StatusCode, web};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use shop_client::HttpClient;
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::Problem;

pub use shop_client::wire::users::Role;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    pub role: Role,
    pub exp: i64,
    pub iat: i64,
    pub iss: String,
    pub aud: String,
}

/// The `kid` of an Ed25519 public key: its first eight bytes in hex, so the
/// issuer and anyone holding the key agree on it without a registry.
pub fn key_id(public_key: &[u8; 32]) -> String {
    public_key[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the verifier gets its public keys.
pub enum KeySource {
    /// The users service's `/.well-known/jwks.json`.
    Remote(HttpClient),
    /// Keys known in-process (the users service verifies its own tokens).
    Local(JwkSet),
}

/// Why a token was refused (the client only ever sees 401).
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    Missing,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("the key set cannot be fetched: {0}")]
    KeysUnavailable(String),
}

impl From<AuthError> for Problem {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::KeysUnavailable(_) => Problem::unavailable(
                ErrorCode::AuthUnavailable,
                "signed-in requests cannot be checked right now",
            )
            .source(error),
            _ => Problem::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "Unauthorized",
            )
            .detail("a valid bearer token is required")
            .source(error),
        }
    }
}

/// Verifies access tokens; one per process, shared by every worker.
pub struct JwtVerifier {
    issuer: String,
    audience: String,
    source: KeySource,
    keys: RwLock<HashMap<String, DecodingKey>>,
    last_fetch: RwLock<Option<Instant>>,
}

/// After a successful JWKS fetch, an unknown `kid` triggers no other fetch for
/// this long, so a flood of forged kids cannot hammer the users service.
const MIN_REFETCH: Duration = Duration::from_secs(5);

impl JwtVerifier {
    /// A verifier for tokens from `issuer` meant for `audience`.
    pub fn new(issuer: &str, audience: &str, source: KeySource) -> Self {
        let keys = match &source {
            KeySource::Local(set) => decoding_keys(set),
            KeySource::Remote(_) => HashMap::new(),
        };
        Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            source,
            keys: RwLock::new(keys),
            last_fetch: RwLock::new(None),
        }
    }

    /// Checks signature, algorithm, expiry, issuer and audience.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if header.alg != Algorithm::EdDSA {
            return Err(AuthError::Invalid(format!(
                "algorithm {:?} is not accepted",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| AuthError::Invalid("no kid".into()))?;
        // Bound first: a guard in the match scrutinee would live through the
        // arms, and `refresh` needs the write lock.
        let cached = self.keys.read().await.get(&kid).cloned();
        let key = match cached {
            Some(key) => key,
            None => {
                self.refresh().await?;
                self.keys
                    .read()
                    .await
                    .get(&kid)
                    .cloned()
                    .ok_or_else(|| AuthError::Invalid(format!("unknown kid {kid}")))?
            }
        };
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| AuthError::Invalid(e.to_string()))
    }

    async fn refresh(&self) -> Result<(), AuthError> {
        let KeySource::Remote(client) = &self.source else {
            return Ok(());
        };
        if self
            .last_fetch
            .read()
            .await
            .is_some_and(|at| at.elapsed() < MIN_REFETCH)
        {
            return Ok(());
        }
        // Only a successful fetch starts the quiet period: while users cannot
        // be reached, tokens are answered 503 (not 401) and every request retries.
        let set: JwkSet = client
            .get_json("/.well-known/jwks.json")
            .await
            .map_err(|e| AuthError::KeysUnavailable(e.to_string()))?;
        *self.keys.write().await = decoding_keys(&set);
        *self.last_fetch.write().await = Some(Instant::now());
        Ok(())
    }
}

fn decoding_keys(set: &JwkSet) -> HashMap<String, DecodingKey> {
    set.keys
        .iter()
        .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
        .collect()
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

/// A signed-in user, verified. Rejects with 401 otherwise.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: Uuid,
    pub role: Role,
    /// The raw token, to pass the caller's identity on to other services.
    pub token: String,
}

impl AuthUser {
    /// True for admins.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

impl FromRequest for AuthUser {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let verifier = req.app_data::<web::Data<JwtVerifier>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let verifier = verifier
                .ok_or_else(|| Problem::internal(anyhow::anyhow!("no JwtVerifier in app data")))?;
            let token = token.ok_or(AuthError::Missing)?;
            let claims = verifier.verify(&token).await?;
            Ok(Self {
                id: claims.sub,
                role: claims.role,
                token,
            })
        })
    }
}

/// A signed-in user who may have a token or not (guest carts).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequest for MaybeUser {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    /// No token is a guest; a bad token is still a 401, never a guest.
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if bearer_token(req).is_none() {
            return Box::pin(async { Ok(Self(None)) });
        }
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move { Ok(Self(Some(user.await?))) })
    }
}

/// A signed-in admin. A customer gets 403.
#[derive(Debug, Clone)]
pub struct AdminUser(pub AuthUser);

impl FromRequest for AdminUser {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if user.is_admin() {
                Ok(Self(user))
            } else {
                Err(
                    Problem::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "Forbidden")
                        .detail("this route is for admins"),
                )
            }
        })
    }
}

/// The shared secret `/internal/*` routes require.
#[derive(Clone)]
pub struct InternalToken(pub Arc<str>);

/// A caller that presented the right `X-Internal-Token`: none is 401, a wrong
/// one is 403. Compared in constant time.
#[derive(Debug, Clone, Copy)]
pub struct InternalCaller;

impl FromRequest for InternalCaller {
    type Error = Problem;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let expected = req.app_data::<web::Data<InternalToken>>();
        let presented = req
            .headers()
            .get(shop_client::http::INTERNAL_TOKEN_HEADER)
            .map(|v| v.as_bytes());
        std::future::ready(match (expected, presented) {
            (None, _) => Err(Problem::internal(anyhow::anyhow!(
                "no InternalToken in app data"
            ))),
            (Some(_), None) => Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "Unauthorized",
            )
            .detail("internal routes need X-Internal-Token")),
            (Some(expected), Some(presented))
                if bool::from(expected.0.as_bytes().ct_eq(presented)) =>
            {
                Ok(Self)
            }
            (Some(_), Some(_)) => {
                Err(
                    Problem::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "Forbidden")
                        .detail("wrong internal token"),
                )
            }
        })
    }
}

/// The verifier and internal token every domain service puts in its app data;
/// tokens are checked against the users service's JWKS.
pub fn remote_guards(
    settings: &crate::config::BaseSettings,
) -> anyhow::Result<(web::Data<JwtVerifier>, web::Data<InternalToken>)> {
    let client = HttpClient::new(
        "users",
        settings.auth.users_url.clone(),
        &shop_client::ClientConfig::default(),
    )?;
    let verifier = JwtVerifier::new(
        &settings.auth.issuer,
        &settings.auth.audience,
        KeySource::Remote(client),
    );
    Ok((
        web::Data::new(verifier),
        web::Data::new(InternalToken(Arc::from(
            settings.internal_api_token.as_str(),
        ))),
    ))
}
