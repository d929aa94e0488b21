//! The streaming bridge between a client's request and a service: the
//! request goes on with its headers filtered (the gateway's own cookies
//! taken out of `Cookie`) and its body streamed under the limit, and the
//! answer comes back the same way. Large bodies are never held whole.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::SizedStream,
    http::{StatusCode, header},
    web,
};
use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use shop_client::{HttpClient, ServiceName, wire::ErrorCode};
use shop_kit::{Problem, server::RequestId};

use crate::{
    domain::headers::{connection_listed, is_forwarded, is_returned, without_gateway_cookies},
    error::{too_large, upstream_error},
};

/// Sends `req` (its path already normalised to `path`) to `service`, its
/// body streamed, with the `added` headers on top of the client's; a body
/// past `body_limit` bytes is a 413. The answer's headers are in; its body
/// is still to come ([`stream_response`]).
pub async fn send(
    upstream: &HttpClient,
    service: ServiceName,
    req: &HttpRequest,
    path: &str,
    payload: web::Payload,
    body_limit: usize,
    added: &[(&str, &str)],
) -> Result<reqwest::Response, Problem> {
    let declared_length = declared_length(req);
    if declared_length.is_some_and(|len| len > body_limit) {
        return Err(too_large());
    }
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|_| Problem::bad_request(ErrorCode::InvalidMethod, "unsupported HTTP method"))?;
    let target = match req.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    // The client puts the path on the service's own base URL and refuses
    // anything URL parsing would rewrite: the service and prefix stay fixed.
    let mut builder = upstream.request(method, &target).map_err(|_| {
        Problem::bad_request(ErrorCode::InvalidPath, "the path cannot be forwarded")
    })?;

    let listed = connection_listed(
        req.headers()
            .get_all(header::CONNECTION)
            .filter_map(|v| v.to_str().ok()),
    );
    for (name, value) in req.headers() {
        if !is_forwarded(name.as_str(), &listed) {
            continue;
        }
        if name == header::COOKIE {
            // A value that is not text cannot be searched for the session,
            // so it does not go on at all.
            if let Some(kept) = value.to_str().ok().and_then(without_gateway_cookies) {
                builder = builder.header(name.as_str(), kept);
            }
        } else {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
    }
    for (name, value) in added {
        builder = builder.header(*name, *value);
    }
    if let Some(RequestId(id)) = req.extensions().get::<RequestId>() {
        builder = builder.header("x-request-id", id.as_str());
    }
    if let Some(peer) = req.peer_addr() {
        let forwarded_for = match req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        {
            Some(previous) => format!("{previous}, {}", peer.ip()),
            None => peer.ip().to_string(),
        };
        builder = builder.header("x-forwarded-for", forwarded_for);
    }
    builder = builder
        .header("x-forwarded-proto", req.connection_info().scheme())
        .header("x-forwarded-host", req.connection_info().host());

    let has_body = declared_length.is_some_and(|len| len > 0)
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let overflowed = Arc::new(AtomicBool::new(false));
    if has_body {
        builder = builder.body(stream_body(payload, body_limit, overflowed.clone()));
    }

    match upstream.send(builder).await {
        Ok(response) => Ok(response),
        Err(_) if overflowed.load(Ordering::Relaxed) => Err(too_large()),
        Err(error) => Err(upstream_error(service, error)),
    }
}

/// The client's address as this gateway sees it (the edge: nothing in front
/// of it is trusted to say otherwise).
pub fn peer_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// The `Content-Length` the client declared, if any.
fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
}

/// The request body as a stream, read on this worker (actix's payload is not
/// `Send`) and handed over through a small channel. Past `limit` bytes the
/// stream fails and `overflowed` is set.
fn stream_body(
    mut payload: web::Payload,
    limit: usize,
    overflowed: Arc<AtomicBool>,
) -> reqwest::Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    actix_web::rt::spawn(async move {
        let mut seen = 0usize;
        while let Some(chunk) = payload.next().await {
            let item = match chunk {
                Ok(bytes) => {
                    seen += bytes.len();
                    if seen > limit {
                        overflowed.store(true, Ordering::Relaxed);
                        Err(std::io::Error::other("request body over the limit"))
                    } else {
                        Ok(bytes)
                    }
                }
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            let stop = item.is_err();
            if tx.send(item).await.is_err() || stop {
                break;
            }
        }
    });
    reqwest::Body::wrap_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

/// The service's answer, status and headers intact, body streamed (with
/// its length when the service declared one, so it goes out in one piece
/// rather than chunked; a body that ends short then closes the connection).
pub fn stream_response(
    method: &actix_web::http::Method,
    response: reqwest::Response,
) -> HttpResponse {
    let status =
        StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut builder = HttpResponse::build(status);
    let listed = connection_listed(
        response
            .headers()
            .get_all("connection")
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    for (name, value) in response.headers() {
        if is_returned(name.as_str(), &listed) {
            builder.append_header((name.as_str(), value.as_bytes()));
        }
    }
    let has_body = method != actix_web::http::Method::HEAD
        && !matches!(status.as_u16(), 100..=199 | 204 | 304);
    let length = response.content_length().filter(|_| has_body);
    let body = response.bytes_stream().map_err(std::io::Error::other);
    match length {
        Some(length) => builder.body(SizedStream::new(length, body)),
        None => builder.streaming(body),
    }
}
