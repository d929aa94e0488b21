//! The browser's session: `POST /web/session` signs in through the users
//! service and keeps the access token in an `HttpOnly` cookie, so the app's
//! JavaScript never holds it; `DELETE /web/session` forgets it.
//!
//! The proxy treats a request with the cookie and no `Authorization` header
//! as if it carried `Authorization: Bearer <cookie>` ([`Session::of`]). A
//! cookie is ambient authority (the browser sends it whoever asked for the
//! request), so an unsafe request it authenticates must also carry the
//! session's CSRF token in `X-CSRF-Token` ([`Session::check_csrf`]); the
//! token is derived from the session ([`csrf_token`]) and handed to the app
//! in a cookie it can read. `SameSite=Strict` already keeps other sites'
//! requests from carrying the cookie; the token is the second lock. A
//! request with its own `Authorization` header is no ambient authority: its
//! cookie is ignored and no token is asked for.
//!
//! The gateway keeps no session state: signing out clears the cookies, and
//! the token itself stays valid until it expires (as any bearer token does).

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration},
    http::{StatusCode, header},
    web,
};
use serde::Serialize;
use shop_client::{
    ServiceName,
    wire::{ErrorCode, users::TokenResponse},
};
use shop_kit::Problem;

use crate::{
    domain::{
        routing::LOGIN_PATH,
        session::{
            CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_matches, csrf_token, is_cookie_safe,
            needs_csrf,
        },
    },
    error::rate_limited,
    forward::{peer_ip, send, stream_response},
    state::ProxyState,
};

/// The answer to a sign-in: the CSRF token for the app to send back, never
/// the access token.
#[derive(Serialize)]
pub struct SessionResponse {
    pub csrf_token: String,
    /// Seconds until the session (and its cookies) expire.
    pub expires_in: i64,
}

/// The session cookie authenticating a request that has no `Authorization`
/// header. No `Debug`: it is a bearer token.
pub struct Session(String);

impl Session {
    /// The request's session, when the cookie is what authenticates it.
    pub fn of(req: &HttpRequest) -> Option<Self> {
        if req.headers().contains_key(header::AUTHORIZATION) {
            return None;
        }
        // As sent, not percent-decoded: the header carries the very value.
        let cookie = req.cookie_raw(SESSION_COOKIE)?;
        let token = cookie.value();
        (!token.is_empty()).then(|| Self(token.to_owned()))
    }

    /// The access token the cookie holds.
    pub fn token(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header the request goes on with.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// A 403 when `req` changes something without the session's CSRF token.
    pub fn check_csrf(&self, req: &HttpRequest) -> Result<(), Problem> {
        if !needs_csrf(req.method().as_str()) {
            return Ok(());
        }
        let given = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if csrf_matches(&self.0, given) {
            Ok(())
        } else {
            Err(csrf_failed())
        }
    }
}

/// 403 `csrf_failed`.
fn csrf_failed() -> Problem {
    Problem::new(StatusCode::FORBIDDEN, ErrorCode::CsrfFailed, "Forbidden")
        .detail("this request needs the X-CSRF-Token header of the session")
}

/// `POST /web/session`: the body goes to the users service's login, under
/// the login rate limit. A 200 becomes the two cookies and the CSRF token;
/// any other answer passes back unchanged, with no cookie.
#[tracing::instrument(skip_all)]
pub async fn create_session(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<ProxyState>,
) -> Result<HttpResponse, Problem> {
    // A sign-in is a login: the stricter login limit counts it too.
    if let Some(retry_after) = state.limiter.check(&peer_ip(&req), None, true) {
        return Err(rate_limited(retry_after));
    }
    let users = state.upstream(ServiceName::Users)?;
    let response = send(
        users,
        ServiceName::Users,
        &req,
        LOGIN_PATH,
        payload,
        state.body_limit,
        &[],
    )
    .await?;
    if response.status() != reqwest::StatusCode::OK {
        return Ok(stream_response(req.method(), response));
    }
    let token = signed_in(response).await?;
    Ok(started(&token, state.cookie_secure))
}

/// `DELETE /web/session`: both cookies cleared, whether or not there was a
/// session (with the CSRF token when there is one).
#[tracing::instrument(skip_all)]
pub async fn end_session(
    req: HttpRequest,
    state: web::Data<ProxyState>,
) -> Result<HttpResponse, Problem> {
    if let Some(session) = Session::of(&req) {
        session.check_csrf(&req)?;
    }
    let mut response = HttpResponse::NoContent();
    for (name, http_only) in [(SESSION_COOKIE, true), (CSRF_COOKIE, false)] {
        response.cookie(cookie(
            name,
            String::new(),
            http_only,
            state.cookie_secure,
            Duration::ZERO,
        ));
    }
    Ok(response.finish())
}

/// The users service's token, when its 200 keeps to the contract (a 502
/// that quotes nothing of it otherwise).
async fn signed_in(response: reqwest::Response) -> Result<TokenResponse, Problem> {
    let outside_contract = |why: &str| {
        Problem::new(
            StatusCode::BAD_GATEWAY,
            ErrorCode::DependencyFailed,
            "Bad gateway",
        )
        .detail("the users service gave an answer outside its contract")
        .service(ServiceName::Users.as_str())
        .source(anyhow::anyhow!("login answer: {why}"))
    };
    let token: TokenResponse = response
        .json()
        .await
        .map_err(|_| outside_contract("not a token response"))?;
    if !token.token_type.eq_ignore_ascii_case("bearer") {
        return Err(outside_contract("not a bearer token"));
    }
    if !is_cookie_safe(&token.access_token) {
        return Err(outside_contract("a token that cannot be a cookie"));
    }
    if token.expires_in <= 0 {
        return Err(outside_contract("a token that has expired"));
    }
    Ok(token)
}

/// 200 with the session's CSRF token, setting both cookies for as long as
/// the token lives.
fn started(token: &TokenResponse, secure: bool) -> HttpResponse {
    let csrf = csrf_token(&token.access_token);
    let max_age = Duration::seconds(token.expires_in);
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie(
            SESSION_COOKIE,
            token.access_token.clone(),
            true,
            secure,
            max_age,
        ))
        .cookie(cookie(CSRF_COOKIE, csrf.clone(), false, secure, max_age))
        .json(SessionResponse {
            csrf_token: csrf,
            expires_in: token.expires_in,
        })
}

/// One of the session's cookies: strict same-site, for the whole origin.
fn cookie(
    name: &'static str,
    value: String,
    http_only: bool,
    secure: bool,
    max_age: Duration,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .http_only(http_only)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .finish()
}
