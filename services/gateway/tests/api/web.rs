//! The browser app: its pages and fingerprinted assets, and the cookie
//! session that stands in for the bearer header (with its CSRF token).

use std::time::{Duration, Instant};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use shop_client::ServiceName::{Catalogue, Orders, Users};
use uuid::Uuid;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{any, body_partial_json, method, path, path_regex},
};

use crate::helpers::{TestGateway, spawn_gateway};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const CSRF_DETAIL: &str = "this request needs the X-CSRF-Token header of the session";

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Every `Set-Cookie` of an answer.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie_named<'a>(cookies: &'a [String], name: &str) -> &'a str {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"))
}

/// The CSRF token of a session, as the app is told it will be derived.
fn csrf_of(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(format!("shop-csrf:{token}")))
}

/// The asset URLs a page refers to.
fn asset_urls(html: &str) -> Vec<String> {
    html.split("\"/assets/")
        .skip(1)
        .filter_map(|rest| rest.split_once('"'))
        .map(|(url, _)| format!("/assets/{url}"))
        .collect()
}

async fn get(gateway: &TestGateway, target: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = gateway.http.get(gateway.url(target));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn answer_everything(gateway: &TestGateway, service: shop_client::ServiceName) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(gateway.double(service))
        .await;
}

/// The users double signs anyone in with `token`, for 900 s.
async fn signs_in_with(gateway: &TestGateway, token: &str) {
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": token, "token_type": "Bearer", "expires_in": 900
        })))
        .mount(gateway.double(Users))
        .await;
}

async fn sign_in(gateway: &TestGateway) -> reqwest::Response {
    gateway
        .http
        .post(gateway.url("/web/session"))
        .json(&json!({"email": "ann@example.com", "password": "correct horse"}))
        .send()
        .await
        .unwrap()
}

/// What `service`'s double was asked at `target`.
async fn received(
    gateway: &TestGateway,
    service: shop_client::ServiceName,
    target: &str,
) -> Vec<wiremock::Request> {
    gateway
        .double(service)
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == target)
        .collect()
}

fn assert_secured(response: &reqwest::Response, what: &str) {
    assert_eq!(header(response, "content-security-policy"), CSP, "{what}");
    assert_eq!(
        header(response, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
    assert_eq!(header(response, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(response, "referrer-policy"), "same-origin", "{what}");
}

#[tokio::test]
async fn the_app_pages_answer_the_rendered_html_with_the_security_headers() {
    let gateway = spawn_gateway(&[]).await;

    for target in [
        "/".to_owned(),
        format!("/orders/{}", Uuid::now_v7()),
        "/products".to_owned(),
        "/admin/products/new".to_owned(),
    ] {
        let response = get(&gateway, &target, &[]).await;
        assert_eq!(response.status(), 200, "{target}");
        assert_eq!(
            header(&response, "content-type"),
            "text/html; charset=utf-8",
            "{target}"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache", "{target}");
        assert_secured(&response, &target);
        let html = response.text().await.unwrap();
        assert!(!html.contains("{{assets}}"), "{target}: {html}");
        assert!(!asset_urls(&html).is_empty(), "{target}: {html}");
    }

    let head = gateway
        .http
        .head(gateway.url("/cart"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "content-type"), "text/html; charset=utf-8");
    assert_secured(&head, "HEAD /cart");
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_asset_is_kept_for_good_under_its_fingerprint_and_missing_under_another() {
    let gateway = spawn_gateway(&[]).await;
    let html = get(&gateway, "/", &[]).await.text().await.unwrap();
    let script = asset_urls(&html)
        .into_iter()
        .find(|url| url.ends_with("/app.js"))
        .unwrap_or_else(|| panic!("index.html loads no app.js: {html}"));

    let response = get(&gateway, &script, &[]).await;
    assert_eq!(response.status(), 200, "{script}");
    assert_eq!(
        header(&response, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        header(&response, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_secured(&response, &script);
    assert!(!response.bytes().await.unwrap().is_empty());
    let head = gateway
        .http
        .head(gateway.url(&script))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        header(&head, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    let fingerprint = script.split('/').nth(2).unwrap();
    assert_eq!(fingerprint.len(), 16, "{script}");
    assert!(
        fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
        "{script}"
    );
    let other = if fingerprint == "0000000000000000" {
        "1111111111111111"
    } else {
        "0000000000000000"
    };
    for target in [
        script.replace(fingerprint, other),
        format!("/assets/{fingerprint}/no-such-file.js"),
    ] {
        let response = get(&gateway, &target, &[]).await;
        assert_eq!(response.status(), 404, "{target}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json",
            "{target}"
        );
        assert_eq!(header(&response, "cache-control"), "", "{target}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["code"],
            "not_found",
            "{target}"
        );
    }
}

#[tokio::test]
async fn a_path_the_app_does_not_route_is_still_a_404_problem() {
    let gateway = spawn_gateway(&[]).await;

    for target in [
        "/nothing-here",
        "/productsx",
        "/assets",
        "/index.html",
        "/web",
    ] {
        let response = get(&gateway, target, &[]).await;
        assert_eq!(response.status(), 404, "{target}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json",
            "{target}"
        );
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{target}"
        );
        assert_eq!(header(&response, "content-security-policy"), "", "{target}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["code"],
            "not_found",
            "{target}"
        );
    }
    // A page answers reads only.
    let write = gateway
        .http
        .post(gateway.url("/orders/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 405);
    assert_eq!(header(&write, "allow"), "GET, HEAD");
}

#[tokio::test]
async fn the_api_docs_are_left_without_the_apps_policy() {
    let gateway = spawn_gateway(&[]).await;

    let docs = get(&gateway, "/docs/", &[]).await;

    assert_eq!(docs.status(), 200);
    assert_eq!(header(&docs, "content-security-policy"), "");
}

#[tokio::test]
async fn signing_in_sets_an_http_only_session_cookie_and_a_readable_csrf_cookie() {
    let gateway = spawn_gateway(&[]).await;
    let token = gateway.token();
    signs_in_with(&gateway, &token).await;

    let response = sign_in(&gateway).await;

    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let csrf = csrf_of(&token);
    assert_eq!(
        cookie_named(&cookies, "shop_session"),
        format!("shop_session={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=900")
    );
    assert_eq!(
        cookie_named(&cookies, "shop_csrf"),
        format!("shop_csrf={csrf}; SameSite=Strict; Path=/; Max-Age=900")
    );
    assert_eq!(header(&response, "cache-control"), "no-store");
    let body = response.text().await.unwrap();
    assert!(!body.contains(&token), "the access token leaked: {body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body, json!({"csrf_token": csrf, "expires_in": 900}));
    // The login went to users as it was sent.
    let logins = received(&gateway, Users, "/api/auth/login").await;
    assert_eq!(logins.len(), 1);
    assert_eq!(
        serde_json::from_slice::<Value>(&logins[0].body).unwrap(),
        json!({"email": "ann@example.com", "password": "correct horse"})
    );
}

#[tokio::test]
async fn with_web_cookie_secure_both_session_cookies_are_secure() {
    let gateway = spawn_gateway(&[("WEB_COOKIE_SECURE", "true".to_owned())]).await;
    signs_in_with(&gateway, &gateway.token()).await;

    let response = sign_in(&gateway).await;

    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    for name in ["shop_session", "shop_csrf"] {
        assert!(
            cookie_named(&cookies, name).contains("; Secure"),
            "{cookies:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_sign_in_passes_the_answer_through_and_sets_no_cookie() {
    let gateway = spawn_gateway(&[]).await;
    let refusals = [
        (401, "invalid_credentials"),
        (422, "validation_failed"),
        (429, "too_many_attempts"),
    ];
    for (status, code) in refusals {
        Mock::given(method("POST"))
            .and(path("/api/auth/login"))
            .and(body_partial_json(
                json!({"password": format!("pw-{status}")}),
            ))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("retry-after", "30")
                    .set_body_raw(
                        json!({"code": code, "status": status}).to_string(),
                        "application/problem+json",
                    ),
            )
            .mount(gateway.double(Users))
            .await;
    }

    for (status, code) in refusals {
        let response = gateway
            .http
            .post(gateway.url("/web/session"))
            .json(&json!({"email": "ann@example.com", "password": format!("pw-{status}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status);
        assert_eq!(set_cookies(&response), Vec::<String>::new(), "{status}");
        assert_eq!(header(&response, "retry-after"), "30", "{status}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"code": code, "status": status}));
    }
}

#[tokio::test]
async fn a_sign_in_answer_outside_the_contract_is_a_502_that_quotes_nothing() {
    let gateway = spawn_gateway(&[]).await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "secret.token.value", "token_type": "MAC", "expires_in": 900
        })))
        .mount(gateway.double(Users))
        .await;

    let response = sign_in(&gateway).await;

    assert_eq!(response.status(), 502);
    assert!(set_cookies(&response).is_empty());
    let body = response.text().await.unwrap();
    assert!(!body.contains("secret.token.value"), "{body}");
    assert!(!body.contains("correct horse"), "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "dependency_failed");
}

#[tokio::test]
async fn signing_in_is_counted_against_the_login_limit() {
    let gateway = spawn_gateway(&[("RATE_LIMIT_LOGIN_PER_IP_PER_MIN", "2".to_owned())]).await;
    signs_in_with(&gateway, &gateway.token()).await;

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(sign_in(&gateway).await.status().as_u16());
    }

    // Five in at most two windows: one of them holds three.
    assert!(statuses.contains(&429), "{statuses:?}");
    let forwarded = received(&gateway, Users, "/api/auth/login").await.len();
    assert_eq!(
        forwarded,
        statuses.iter().filter(|s| **s == 200).count(),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_read_with_only_the_session_cookie_reaches_the_service_with_the_bearer_header() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Orders).await;
    let token = gateway.token();
    let cookies = format!("cart_id=guest-42; shop_session={token}; theme=dark");

    // Without the cookie the route is closed, so the 200 below is its doing.
    assert_eq!(get(&gateway, "/api/orders", &[]).await.status(), 401);
    let response = get(&gateway, "/api/orders", &[("cookie", &cookies)]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    let cart = get(&gateway, "/api/cart", &[("cookie", &cookies)]).await;
    assert_eq!(cart.status(), 200);

    for target in ["/api/orders", "/api/cart"] {
        let seen = received(&gateway, Orders, target).await;
        assert_eq!(seen.len(), 1, "{target}");
        assert_eq!(
            seen[0].headers["authorization"].to_str().unwrap(),
            format!("Bearer {token}"),
            "{target}"
        );
        let forwarded = seen[0].headers["cookie"].to_str().unwrap();
        assert_eq!(forwarded, "cart_id=guest-42; theme=dark", "{target}");
    }

    // A session that is not a valid token is refused like a bad header.
    let forged = get(
        &gateway,
        "/api/orders",
        &[("cookie", "shop_session=forged.token.x")],
    )
    .await;
    assert_eq!(forged.status(), 401);
    assert!(!forged.text().await.unwrap().contains("forged.token.x"));
    assert_eq!(received(&gateway, Orders, "/api/orders").await.len(), 1);
}

#[tokio::test]
async fn a_write_with_the_session_cookie_needs_the_sessions_csrf_token() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Orders).await;
    let token = gateway.token();
    let cookie = format!("shop_session={token}");
    let post = |csrf: Option<String>| {
        let mut request = gateway
            .http
            .post(gateway.url("/api/orders"))
            .header("cookie", &cookie)
            .json(&json!({}));
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };

    for (what, csrf) in [
        ("no token", None),
        ("another session's", Some(csrf_of(&gateway.token()))),
        ("an empty one", Some(String::new())),
        ("the session itself", Some(token.clone())),
    ] {
        let response = post(csrf).await.unwrap();
        assert_eq!(response.status(), 403, "{what}");
        assert_eq!(
            header(&response, "content-type"),
            "application/problem+json"
        );
        let body = response.text().await.unwrap();
        assert!(!body.contains(&token), "{what}: the token leaked: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["code"], "csrf_failed", "{what}");
        assert_eq!(body["detail"], CSRF_DETAIL, "{what}");
    }
    assert!(received(&gateway, Orders, "/api/orders").await.is_empty());

    let response = post(Some(csrf_of(&token))).await.unwrap();
    assert_eq!(response.status(), 200);
    let seen = received(&gateway, Orders, "/api/orders").await;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].headers["authorization"].to_str().unwrap(),
        format!("Bearer {token}")
    );
    assert!(!seen[0].headers.contains_key("x-csrf-token"));
    assert!(!seen[0].headers.contains_key("cookie"));

    // A caller sending its own header is no ambient authority: no token is
    // asked for, and the cookie is ignored.
    let own = gateway.token();
    let response = gateway
        .http
        .post(gateway.url("/api/orders"))
        .header("cookie", &cookie)
        .bearer_auth(&own)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = received(&gateway, Orders, "/api/orders").await;
    assert_eq!(
        seen[1].headers["authorization"].to_str().unwrap(),
        format!("Bearer {own}")
    );
}

#[tokio::test]
async fn signing_out_clears_both_cookies_with_the_sessions_csrf_token() {
    let gateway = spawn_gateway(&[]).await;
    let token = gateway.token();
    let cookie = format!("shop_session={token}; shop_csrf={}", csrf_of(&token));
    let cleared = [
        "shop_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        "shop_csrf=; SameSite=Strict; Path=/; Max-Age=0",
    ];

    let without_session = gateway
        .http
        .delete(gateway.url("/web/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(without_session.status(), 204);
    assert_eq!(set_cookies(&without_session), cleared);

    let without_token = gateway
        .http
        .delete(gateway.url("/web/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), 403);
    assert!(set_cookies(&without_token).is_empty());
    assert_eq!(
        without_token.json::<Value>().await.unwrap()["code"],
        "csrf_failed"
    );

    let signed_out = gateway
        .http
        .delete(gateway.url("/web/session"))
        .header("cookie", &cookie)
        .header("x-csrf-token", csrf_of(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 204);
    assert_eq!(set_cookies(&signed_out), cleared);
}

/// The catalogue double: every product public and cacheable.
async fn public_catalogue(gateway: &TestGateway) {
    Mock::given(method("GET"))
        .and(path_regex("^/api/products/[0-9a-f-]{36}$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("cache-control", "public, no-cache")
                .insert_header("etag", "\"0123456789abcdef\"")
                .insert_header("x-cache", "MISS")
                .set_body_json(json!({"name": "Mug"})),
        )
        .mount(gateway.double(Catalogue))
        .await;
}

async fn catalogue_reads(gateway: &TestGateway) -> usize {
    gateway
        .double(Catalogue)
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .count()
}

#[tokio::test]
async fn a_read_with_the_session_cookie_never_uses_or_fills_the_public_cache() {
    let gateway = spawn_gateway(&[]).await;
    public_catalogue(&gateway).await;
    let token = gateway.token();
    let cookie = format!("shop_session={token}");
    let kept = format!("/api/products/{}", Uuid::now_v7());
    // Anonymous reads are kept once the gateway's subscription is up.
    let deadline = Instant::now() + Duration::from_secs(5);
    while header(&get(&gateway, &kept, &[]).await, "x-cache") != "HIT" {
        assert!(Instant::now() < deadline, "{kept} never kept");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let before = catalogue_reads(&gateway).await;
    let response = get(&gateway, &kept, &[("cookie", &cookie)]).await;
    assert_eq!(response.status(), 200);
    assert_ne!(header(&response, "x-cache"), "HIT");
    assert_eq!(catalogue_reads(&gateway).await, before + 1);
    let seen = received(&gateway, Catalogue, &kept).await;
    assert_eq!(
        seen.last().unwrap().headers["authorization"]
            .to_str()
            .unwrap(),
        format!("Bearer {token}")
    );

    // Read first with the session, a product is not kept for the next
    // anonymous reader.
    let other = format!("/api/products/{}", Uuid::now_v7());
    get(&gateway, &other, &[("cookie", &cookie)]).await;
    let anonymous = get(&gateway, &other, &[]).await;
    assert_eq!(header(&anonymous, "x-cache"), "MISS");
    assert_eq!(catalogue_reads(&gateway).await, before + 3);
    assert_eq!(header(&get(&gateway, &other, &[]).await, "x-cache"), "HIT");
}
