//! `/api/*`: routed to the service owning the path, after the caller's token
//! and rate limits are checked, and streamed both ways; public catalogue
//! reads are answered from the gateway's cache when it can ([`crate::cache`]).
//!
//! The browser app's session cookie stands in for the `Authorization`
//! header when there is none ([`crate::web::session`]): the same checks
//! apply to it, its writes need the session's CSRF token, it goes on to the
//! service as the header, and it never reads or fills the public cache.

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
    forward::{peer_ip, send, stream_response},
    state::ProxyState,
    web::session::Session,
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
    let session = Session::of(&req);
    if let Some(session) = &session {
        session.check_csrf(&req)?;
    }
    let token = session
        .as_ref()
        .map(Session::token)
        .or_else(|| bearer(&req));
    let user = caller(&req, &path, &state.verifier, token).await?;
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
    // A session is a signed-in caller, as a token is: an admin's view must
    // never be kept for everyone, nor a kept one shown to an admin.
    let key = PublicCache::key(&req, &path).filter(|_| session.is_none());
    if let (Some(cache), Some(key)) = (cache, key) {
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
    let authorization = session.as_ref().map(Session::authorization);
    let added: Vec<(&str, &str)> = authorization
        .iter()
        .map(|value| ("authorization", value.as_str()))
        .collect();
    let response = send(upstream, service, &req, &path, payload, body_limit, &added).await?;
    // Whoever wrote to the catalogue through this gateway reads it back at
    // once, before the catalogue's message arrives.
    if let Some(cache) = cache {
        if !req.method().is_safe() && response.status().is_success() {
            cache.forget_all();
        }
    }
    Ok(stream_response(req.method(), response))
}

/// The bearer token of the request's `Authorization` header, if any.
fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

/// The verified user id behind `token` (the header's or the session's), if
/// any. Protected routes need a valid token (401 otherwise, before any
/// service is bothered); on public routes a bad token is left for the
/// service to judge.
async fn caller(
    req: &HttpRequest,
    path: &str,
    verifier: &JwtVerifier,
    token: Option<&str>,
) -> Result<Option<String>, Problem> {
    let needed = access(req.method().as_str(), path) == Access::SignedIn;
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
