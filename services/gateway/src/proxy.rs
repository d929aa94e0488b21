//! The streaming reverse proxy for `/api/*`.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use shop_client::{ClientError, HttpClient, ServiceName};
use shop_kit::{
    Problem,
    auth::{AuthError, JwtVerifier},
    server::RequestId,
};

use crate::{
    rate_limit::RateLimiter,
    routing::{Access, access, is_login, normalise, route},
};

/// The upstream clients, token verifier and limits the proxy needs.
pub struct ProxyState {
    pub upstreams: BTreeMap<ServiceName, HttpClient>,
    pub body_limit: usize,
    pub verifier: JwtVerifier,
    pub limiter: RateLimiter,
}

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1),
/// plus those the gateway owns: never passed through.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Headers a client must never set for a service: the internal secret, the
/// host, and the trace context the gateway starts itself.
const NEVER_FORWARDED: [&str; 5] = [
    "x-internal-token",
    "host",
    "traceparent",
    "tracestate",
    "x-request-id",
];

fn is_forwardable(name: &str, connection_listed: &[String]) -> bool {
    !HOP_BY_HOP.contains(&name)
        && !NEVER_FORWARDED.contains(&name)
        && !connection_listed.iter().any(|listed| listed == name)
}

/// Header names a `Connection` header lists are hop-by-hop too.
fn connection_listed(headers: &header::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Registers the proxy for everything under `/api`.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/api").default_service(web::to(proxy)));
}

/// Forwards the request to the service owning its path and streams the
/// answer back.
#[tracing::instrument(skip_all, fields(service))]
pub async fn proxy(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<ProxyState>,
) -> Result<HttpResponse, Problem> {
    // Every path reaching here passed shop-kit's check (no dot segments or
    // encoded slashes, however spelled); it is routed, limited and forwarded
    // in one normal form.
    let normal = normalise(req.uri().path());
    let path = normal.as_str();
    let service = route(path).ok_or_else(|| Problem::not_found("route"))?;
    tracing::Span::current().record("service", service.as_str());
    let upstream = state
        .upstreams
        .get(&service)
        .ok_or_else(|| Problem::internal(anyhow::anyhow!("no upstream for {service}")))?;

    let user = caller(&req, path, &state.verifier).await?;
    let ip = req
        .peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string());
    if let Some(retry_after) = state
        .limiter
        .check(&ip, user.as_deref(), is_login(req.method().as_str(), path))
        .await
    {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
        )
        .detail("slow down: too many requests in this minute")
        .retry_after(retry_after));
    }

    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|len| len > state.body_limit) {
        return Err(too_large());
    }

    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .map_err(|_| Problem::bad_request("invalid_method", "unsupported HTTP method"))?;
    let target = match req.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    // The client puts the path on the service's own base URL and refuses
    // anything URL parsing would rewrite: the service and prefix stay fixed.
    let mut builder = upstream
        .request(method, &target)
        .map_err(|_| Problem::bad_request("invalid_path", "the path cannot be forwarded"))?;

    let listed = connection_listed(req.headers());
    for (name, value) in req.headers() {
        if is_forwardable(name.as_str(), &listed) {
            builder = builder.header(name.as_str(), value.as_bytes());
        }
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
        builder = builder.body(stream_body(payload, state.body_limit, overflowed.clone()));
    }

    let response = match upstream.send(builder).await {
        Ok(response) => response,
        Err(_) if overflowed.load(Ordering::Relaxed) => return Err(too_large()),
        Err(error) => return Err(upstream_error(service, error)),
    };
    Ok(stream_response(response))
}

/// The verified user id behind the request, if any. Protected routes need a
/// valid token (401 otherwise, before any service is bothered); on public
/// routes a bad token is left for the service to judge.
async fn caller(
    req: &HttpRequest,
    path: &str,
    verifier: &JwtVerifier,
) -> Result<Option<String>, Problem> {
    let needed = access(req.method().as_str(), path) == Access::SignedIn;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match token {
        Some(token) => match verifier.verify(token).await {
            Ok(claims) => Ok(Some(claims.sub.to_string())),
            Err(error) if needed => Err(error.into()),
            Err(_) => Ok(None),
        },
        None if needed => Err(AuthError::Missing.into()),
        None => Ok(None),
    }
}

/// The request body as a stream, read on this worker (actix's payload is not
/// `Send`) and handed over through a small channel, so large bodies are never
/// held whole. Past `limit` bytes the stream fails and `overflowed` is set.
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

/// The service's answer, status and headers intact, body streamed.
fn stream_response(response: reqwest::Response) -> HttpResponse {
    let status =
        StatusCode::from_u16(response.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut builder = HttpResponse::build(status);
    let listed: Vec<String> = response
        .headers()
        .get_all("connection")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    for (name, value) in response.headers() {
        let name = name.as_str();
        // The gateway sets its own length/encoding and request id.
        if HOP_BY_HOP.contains(&name)
            || listed.iter().any(|l| l == name)
            || name == "content-length"
            || name == "x-request-id"
        {
            continue;
        }
        builder.append_header((name, value.as_bytes()));
    }
    builder.streaming(response.bytes_stream().map_err(std::io::Error::other))
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        "Payload too large",
    )
    .detail("the request body is larger than the gateway accepts")
}

/// A service that cannot be reached is a 503 naming it; one too slow is a 504.
fn upstream_error(service: ServiceName, error: ClientError) -> Problem {
    match error {
        ClientError::Timeout { .. } => Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "Gateway timeout",
        )
        .detail(format!("the {service} service did not answer in time"))
        .service(service.as_str())
        .source(error),
        _ => Problem::unavailable(
            "upstream_unavailable",
            format!("the {service} service is unavailable"),
        )
        .service(service.as_str())
        .source(error),
    }
}
