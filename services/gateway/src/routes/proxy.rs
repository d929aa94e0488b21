//! `/api/*`: routed to the service owning the path, after the caller's token
//! and rate limits are checked, and streamed both ways; public catalogue
//! reads are answered from the gateway's cache when it can ([`crate::cache`]).

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use shop_client::ServiceName;
use shop_kit::{
    Problem,
    auth::{AuthError, JwtVerifier},
};

use crate::{
    cache::{Fill, PublicCache},
    domain::routing::{Access, access, is_login, is_upload, normalise, route},
    error::{cut_short, rate_limited},
    forward::{send, stream_response},
    state::ProxyState,
};

/// Registers the proxy for everything under `/api`, and the catalogue's
/// picture links under `/media`.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/api").default_service(web::to(proxy)))
        .service(web::scope("/media").default_service(web::to(proxy)));
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
    let path = normalise(req.uri().path());
    let service = route(&path).ok_or_else(|| Problem::not_found("route"))?;
    tracing::Span::current().record("service", service.as_str());
    let upstream = state.upstream(service)?;
    let user = caller(&req, &path, &state.verifier).await?;
    let login = is_login(req.method().as_str(), &path);
    let body_limit = if is_upload(req.method().as_str(), &path) {
        state.upload_limit
    } else {
        state.body_limit
    };
    if let Some(retry_after) = state.limiter.check(&peer_ip(&req), user.as_deref(), login) {
        return Err(rate_limited(retry_after));
    }
    let cache = state
        .cache
        .as_deref()
        .filter(|_| service == ServiceName::Catalogue);
    if let (Some(cache), Some(key)) = (cache, PublicCache::key(&req, &path)) {
        if let Some(stored) = cache.get(&key) {
            return Ok(stored.respond(&req, true));
        }
        let ticket = cache.ticket(&key);
        // Past the catalogue's memory, which may not have heard a message
        // this gateway already has (the ticket was taken after it).
        let fresh = [("cache-control", "no-cache")];
        let response = send(
            upstream,
            service,
            &req,
            &path,
            payload,
            state.body_limit,
            &fresh,
        )
        .await?;
        return match cache.fill(key, ticket, response).await {
            Fill::Kept(stored) => Ok(stored.respond(&req, false)),
            Fill::Pass(response) => Ok(stream_response(req.method(), response)),
            Fill::Failed(error) => Err(cut_short(service, error)),
        };
    }
    let response = send(upstream, service, &req, &path, payload, body_limit, &[]).await?;
    // Whoever wrote to the catalogue through this gateway reads it back at
    // once, before the catalogue's message arrives.
    if let Some(cache) = cache {
        if !req.method().is_safe() && response.status().is_success() {
            cache.forget_all();
        }
    }
    Ok(stream_response(req.method(), response))
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

/// The client's address as this gateway sees it (the edge: nothing in front
/// of it is trusted to say otherwise).
fn peer_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}
