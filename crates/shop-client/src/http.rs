//! The HTTP client every service-to-service call goes through.

use std::{sync::Arc, time::Duration};

use reqwest::{Method, StatusCode};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, RequestBuilder};
use serde::{Serialize, de::DeserializeOwned};
use url::Url;

use crate::{
    error::ClientError,
    middleware::{Propagation, RetryIdempotent},
    wire::{HealthReport, ProblemDetails},
};

/// Header carrying the shared secret on `/internal/*` calls.
pub const INTERNAL_TOKEN_HEADER: &str = "x-internal-token";

/// Timeouts, retries and the internal token for a client.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Whole-request deadline.
    pub timeout: Duration,
    /// TCP connect deadline.
    pub connect_timeout: Duration,
    /// Retries after the first attempt, for idempotent methods only.
    pub max_retries: u32,
    /// First backoff delay; doubles with every retry.
    pub retry_base_delay: Duration,
    /// Sent as `X-Internal-Token` on `/internal/*` paths.
    pub internal_token: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            max_retries: 2,
            retry_base_delay: Duration::from_millis(50),
            internal_token: None,
        }
    }
}

/// A client bound to one service's base URL.
#[derive(Clone, Debug)]
pub struct HttpClient {
    service: &'static str,
    base: Url,
    inner: ClientWithMiddleware,
    internal_token: Option<Arc<str>>,
}

/// How long a client keeps an idle connection for reuse. Every server in
/// the shop keeps one open longer (`shop_kit::server::KEEP_ALIVE`): a server
/// that closed it first could do so just as the client sends a request on
/// it, which then fails with "connection closed before message completed".
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl HttpClient {
    /// A client for `service` at `base` (e.g. `http://catalogue:9002`).
    pub fn new(
        service: &'static str,
        base: Url,
        config: &ClientConfig,
    ) -> Result<Self, ClientError> {
        let reqwest_client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build()
            .map_err(|e| ClientError::InvalidRequest {
                service,
                reason: e.to_string(),
            })?;
        let inner = ClientBuilder::new(reqwest_client)
            .with(Propagation)
            .with(RetryIdempotent {
                max_retries: config.max_retries,
                base_delay: config.retry_base_delay,
            })
            .build();
        Ok(Self {
            service,
            base,
            inner,
            internal_token: config.internal_token.as_deref().map(Arc::from),
        })
    }

    /// The service this client talks to.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// The base URL of the service.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// A request builder for `path` (absolute, e.g. `/api/products?q=mug`)
    /// with the internal token already set on `/internal/*` paths.
    ///
    /// The URL is this client's base with `path` as its path, never a URL
    /// resolved against it: a path that would name another host (`//evil`)
    /// or that URL parsing would rewrite (dot segments, `%2e%2e`,
    /// backslashes) is refused, so no input can change the service or the
    /// route it reaches.
    pub fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, ClientError> {
        let url = self.url_for(path)?;
        let internal = url.path().starts_with("/internal/");
        let mut builder = self.inner.request(method, url);
        if internal {
            if let Some(token) = &self.internal_token {
                builder = builder.header(INTERNAL_TOKEN_HEADER, token.as_ref());
            }
        }
        Ok(builder)
    }

    /// The absolute URL of `path` on this client's service.
    pub fn url_for(&self, path: &str) -> Result<Url, ClientError> {
        let refuse = |reason: &str| ClientError::InvalidRequest {
            service: self.service,
            reason: reason.to_owned(),
        };
        let (path_part, query) = match path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path, None),
        };
        if !path_part.starts_with('/') || path_part.starts_with("//") || path_part.contains('#') {
            return Err(refuse("the path must be absolute and name no host"));
        }
        let mut url = self.base.clone();
        url.set_path(path_part);
        url.set_query(query);
        if url.path() != path_part {
            return Err(refuse("the path is not in normal form"));
        }
        Ok(url)
    }

    /// `GET path` decoded as JSON.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send_json(self.request(Method::GET, path)?).await
    }

    /// `POST path` with a JSON body, decoded as JSON. Never retried here.
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send_json(self.request(Method::POST, path)?.json(body))
            .await
    }

    /// Sends the request and decodes a 2xx JSON body, or the problem+json error.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<T, ClientError> {
        let response = self.send(builder).await?;
        if !response.status().is_success() {
            return Err(self.error_from(response).await);
        }
        response.json().await.map_err(|source| ClientError::Decode {
            service: self.service,
            source,
        })
    }

    /// Sends the request; any answer, whatever its status, is `Ok`.
    pub async fn send(&self, builder: RequestBuilder) -> Result<reqwest::Response, ClientError> {
        builder.send().await.map_err(|source| {
            let timed_out =
                matches!(&source, reqwest_middleware::Error::Reqwest(e) if e.is_timeout());
            if timed_out {
                ClientError::Timeout {
                    service: self.service,
                }
            } else {
                ClientError::Unreachable {
                    service: self.service,
                    source,
                }
            }
        })
    }

    /// Turns a non-2xx answer into a [`ClientError`], decoding problem+json.
    pub async fn error_from(&self, response: reqwest::Response) -> ClientError {
        let status = response.status().as_u16();
        match response.json::<ProblemDetails>().await {
            Ok(problem) => ClientError::Problem {
                service: self.service,
                problem: Box::new(problem),
            },
            Err(_) => ClientError::UnexpectedStatus {
                service: self.service,
                status,
            },
        }
    }

    /// The service's readiness report. A `down` service answers 503 with a
    /// report too; that is returned as `Ok` so the caller sees which check failed.
    pub async fn health(&self) -> Result<HealthReport, ClientError> {
        let response = self
            .send(self.request(Method::GET, "/health/ready")?)
            .await?;
        match response.status() {
            StatusCode::OK | StatusCode::SERVICE_UNAVAILABLE => {
                response.json().await.map_err(|source| ClientError::Decode {
                    service: self.service,
                    source,
                })
            }
            _ => Err(self.error_from(response).await),
        }
    }
}
