//! The gateway's guard: tokens checked early on protected routes, rate limits.

use serde_json::{Value, json};
use shop_client::ServiceName::{Catalogue, Orders, Users};
use shop_kit::testing::TestKeys;
use uuid::Uuid;
use wiremock::{Mock, ResponseTemplate, matchers::any};

use crate::helpers::{TestGateway, spawn_gateway};

async fn answer_everything(gateway: &TestGateway, service: shop_client::ServiceName) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(gateway.double(service))
        .await;
}

fn forwarded_to(requests: &[wiremock::Request], path: &str) -> usize {
    requests.iter().filter(|r| r.url.path() == path).count()
}

#[tokio::test]
async fn a_protected_route_without_a_token_is_401_before_any_service_is_asked() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Orders).await;

    let response = gateway
        .http
        .get(gateway.url("/api/orders"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "unauthorized"
    );
    assert_eq!(
        forwarded_to(
            &gateway.double(Orders).received_requests().await.unwrap(),
            "/api/orders"
        ),
        0
    );
}

#[tokio::test]
async fn tampered_expired_unsigned_and_foreign_tokens_are_401() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Orders).await;
    let id = Uuid::now_v7();
    let now = chrono::Utc::now().timestamp();
    let valid = gateway.token();
    let mut tampered = valid.clone();
    let at = tampered.find('.').unwrap() + 3;
    let swapped = if &tampered[at..=at] == "A" { "B" } else { "A" };
    tampered.replace_range(at..=at, swapped);
    let mut expired_claims = TestKeys::claims(id, "customer");
    expired_claims["exp"] = json!(now - 60);
    let expired = gateway.keys.sign(&expired_claims, &gateway.keys.kid());
    let foreign = TestKeys::generate().sign(&TestKeys::claims(id, "customer"), &gateway.keys.kid());
    let unsigned = TestKeys::unsigned(&TestKeys::claims(id, "admin"));

    for (what, token) in [
        ("tampered", &tampered),
        ("expired", &expired),
        ("wrong key", &foreign),
        ("alg none", &unsigned),
    ] {
        let response = gateway
            .http
            .get(gateway.url("/api/orders"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{what}");
    }
    assert_eq!(
        forwarded_to(
            &gateway.double(Orders).received_requests().await.unwrap(),
            "/api/orders"
        ),
        0
    );

    let ok = gateway
        .http
        .get(gateway.url("/api/orders"))
        .bearer_auth(&valid)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn public_routes_need_no_token() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Catalogue).await;
    answer_everything(&gateway, Users).await;

    assert_eq!(
        gateway
            .http
            .get(gateway.url("/api/products?q=mug"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let login = gateway
        .http
        .post(gateway.url("/api/auth/login"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn past_the_per_ip_limit_requests_get_429_with_retry_after() {
    let gateway = spawn_gateway(&[("RATE_LIMIT_PER_IP_PER_MIN", "5".to_owned())]).await;
    answer_everything(&gateway, Catalogue).await;

    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..7 {
        let response = gateway
            .http
            .get(gateway.url("/api/products"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
        }
    }

    // A window may roll over mid-test: then the count starts again, never more than 5 pass in one.
    assert!(
        statuses.iter().filter(|s| **s == 429).count() >= 1,
        "{statuses:?}"
    );
    assert!(
        statuses[..5].iter().filter(|s| **s == 200).count() >= 4,
        "{statuses:?}"
    );
    assert!(
        retry_after.is_some_and(|s| (1..=60).contains(&s)),
        "{retry_after:?}"
    );
}

#[tokio::test]
async fn logins_have_a_stricter_limit_than_browsing() {
    let gateway = spawn_gateway(&[("RATE_LIMIT_LOGIN_PER_IP_PER_MIN", "2".to_owned())]).await;
    answer_everything(&gateway, Users).await;
    answer_everything(&gateway, Catalogue).await;
    let login = || {
        gateway
            .http
            .post(gateway.url("/api/auth/login"))
            .json(&json!({}))
            .send()
    };

    let statuses = [
        login().await.unwrap().status().as_u16(),
        login().await.unwrap().status().as_u16(),
        login().await.unwrap().status().as_u16(),
    ];
    let browsing = gateway
        .http
        .get(gateway.url("/api/products"))
        .send()
        .await
        .unwrap();

    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(browsing.status(), 200, "browsing has its own, larger limit");
}

#[tokio::test]
async fn while_the_keys_cannot_be_fetched_a_token_is_503_not_401() {
    let mut doubles = std::collections::BTreeMap::new();
    for service in shop_client::ServiceName::ALL {
        doubles.insert(service, crate::helpers::healthy_double(service).await);
    }
    // The users double answers health, but its JWKS route fails once.
    Mock::given(wiremock::matchers::path("/.well-known/jwks.json"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&doubles[&Users])
        .await;
    let gateway = crate::helpers::spawn_gateway_with(doubles, &[]).await;
    answer_everything(&gateway, Orders).await;
    let token = gateway.token();

    let first = gateway
        .http
        .get(gateway.url("/api/orders"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.status(),
        503,
        "keys unavailable is the shop's problem, not the token's"
    );
    assert_eq!(
        first.json::<Value>().await.unwrap()["code"],
        "auth_unavailable"
    );

    // Once users answers again, the same token is accepted at once.
    let second = gateway
        .http
        .get(gateway.url("/api/orders"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
}
