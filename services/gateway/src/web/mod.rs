//! The browser app (plain HTML, CSS and ES modules from `web/`, embedded in
//! the binary) and the cookie session that stands in for its bearer token.
//!
//! [`assets`] serves the pages (`/` and every path the app routes in the
//! browser, all answered by the one rendered `index.html`) and the assets
//! under `/assets/<fingerprint>/`, kept by browsers for good because a new
//! build has a new fingerprint. [`session`] signs in through the users
//! service into an `HttpOnly` cookie the app's JavaScript never reads, and
//! holds the rule the proxy applies to it: an unsafe request authenticated
//! by the cookie carries the session's CSRF token.

use actix_web::{
    HttpResponse, HttpResponseBuilder,
    http::{StatusCode, header},
    web,
};
use shop_client::wire::ErrorCode;
use shop_kit::Problem;

use crate::domain::site::pages_pattern;

pub mod assets;
pub mod session;

/// The pages' and assets' policy: everything from this origin only, no
/// inline script or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Registers the session, the assets and the pages.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/web/session")
            .post(session::create_session)
            .delete(session::end_session)
            .default_service(web::to(|| not_allowed(&["POST", "DELETE"]))),
    )
    .service(
        web::resource("/assets/{fingerprint}/{path:.+}")
            .get(assets::asset)
            .head(assets::asset)
            .default_service(web::to(|| not_allowed(&["GET", "HEAD"]))),
    );
    for pattern in ["/".to_owned(), pages_pattern()] {
        cfg.service(
            web::resource(pattern)
                .get(assets::page)
                .head(assets::page)
                .default_service(web::to(|| not_allowed(&["GET", "HEAD"]))),
        );
    }
}

/// Adds the headers every page and asset carries: the policy, no framing,
/// no referrer beyond this origin, no content sniffing.
pub fn secured(builder: &mut HttpResponseBuilder) -> &mut HttpResponseBuilder {
    builder
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
}

/// 405 with `Allow`: these paths are not in the OpenAPI document, so the
/// server's own 405 does not know them.
async fn not_allowed(methods: &'static [&'static str]) -> Result<HttpResponse, Problem> {
    let methods: Vec<String> = methods.iter().map(|m| (*m).to_owned()).collect();
    Err(Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "Method not allowed",
    )
    .detail(format!("this path answers {}", methods.join(", ")))
    .allow(&methods))
}
