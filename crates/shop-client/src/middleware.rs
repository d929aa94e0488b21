//! reqwest middlewares: context propagation and retries for idempotent requests.

use std::time::Duration;

use http::{Extensions, HeaderMap, HeaderName, HeaderValue, Method};
use opentelemetry::propagation::Injector;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next, Result};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::context::current_request_id;

/// Puts the current trace context (`traceparent`, `tracestate`) and the
/// request id of the request being served on every outgoing request.
pub(crate) struct Propagation;

struct HeaderInjector<'a>(&'a mut HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

#[async_trait::async_trait]
impl Middleware for Propagation {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        let context = tracing::Span::current().context();
        opentelemetry::global::get_text_map_propagator(|propagator| {
            propagator.inject_context(&context, &mut HeaderInjector(req.headers_mut()));
        });
        if !req.headers().contains_key("x-request-id") {
            if let Some(value) = current_request_id().and_then(|id| HeaderValue::from_str(&id).ok())
            {
                req.headers_mut().insert("x-request-id", value);
            }
        }
        next.run(req, extensions).await
    }
}

/// Retries requests whose method is idempotent (RFC 9110 §9.2.2) when the
/// service could not be reached or answered 502/503/504. A POST is never
/// retried here: whether it took effect is unknown, and only the caller, with
/// its idempotency key, can decide to send it again.
pub(crate) struct RetryIdempotent {
    pub max_retries: u32,
    pub base_delay: Duration,
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

fn is_transient(result: &Result<Response>) -> bool {
    match result {
        Ok(response) => matches!(response.status().as_u16(), 502..=504),
        Err(reqwest_middleware::Error::Reqwest(e)) => e.is_connect() || e.is_timeout(),
        Err(_) => false,
    }
}

#[async_trait::async_trait]
impl Middleware for RetryIdempotent {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        if !is_idempotent(req.method()) {
            return next.run(req, extensions).await;
        }
        let mut attempt = 0;
        loop {
            let Some(this_try) = req.try_clone() else {
                return next.run(req, extensions).await;
            };
            let result = next.clone().run(this_try, extensions).await;
            if attempt >= self.max_retries || !is_transient(&result) {
                return result;
            }
            tracing::warn!(
                attempt = attempt + 1,
                url = %req.url(),
                "transient failure on an idempotent request, retrying"
            );
            tokio::time::sleep(crate::backoff::delay(self.base_delay, attempt + 1)).await;
            attempt += 1;
        }
    }
}
