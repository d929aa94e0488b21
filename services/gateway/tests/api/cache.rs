//! The gateway's cache of public catalogue reads: kept only when public and
//! anonymous, revalidated here, and forgotten on the catalogue's messages,
//! on a write through the gateway, and while the subscription is lost.

use std::time::{Duration, Instant};

use serde_json::json;
use shop_client::{ServiceName::Catalogue, wire::catalogue::INVALIDATION_CHANNEL};
use shop_kit::{
    redis::redis::{self, AsyncCommands as _},
    testing::TcpProxy,
};
use uuid::Uuid;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path, path_regex},
};

use crate::helpers::{TestGateway, spawn_gateway};

const ETAG: &str = "\"0123456789abcdef0123456789abcdef\"";
const MISSING: &str = "00000000-0000-7000-8000-000000000404";

/// The catalogue double: public products and pages, one private product
/// and one missing one.
async fn catalogue(gateway: &TestGateway, private: Uuid) {
    let public = |body: serde_json::Value| {
        ResponseTemplate::new(200)
            .insert_header("cache-control", "public, no-cache")
            .insert_header("etag", ETAG)
            .insert_header("vary", "Authorization")
            .insert_header("x-cache", "MISS")
            .set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path(format!("/api/products/{private}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("cache-control", "private, no-cache")
                .insert_header("etag", ETAG)
                .set_body_json(json!({"stock_on_hand": 3})),
        )
        .with_priority(1)
        .mount(gateway.double(Catalogue))
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/products/{MISSING}")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("cache-control", "public, no-cache")
                .insert_header("etag", ETAG)
                .set_body_json(json!({"code": "not_found"})),
        )
        .with_priority(1)
        .mount(gateway.double(Catalogue))
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/products/[0-9a-f-]{36}$"))
        .respond_with(public(json!({"name": "Mug"})))
        .mount(gateway.double(Catalogue))
        .await;
    Mock::given(method("GET"))
        .and(path("/api/products"))
        .respond_with(public(
            json!({"items": [], "total": 0, "limit": 20, "offset": 0}),
        ))
        .mount(gateway.double(Catalogue))
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "Big mug"})))
        .mount(gateway.double(Catalogue))
        .await;
}

/// How many requests reached the catalogue double.
async fn forwarded(gateway: &TestGateway) -> usize {
    gateway
        .double(Catalogue)
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with("/api/"))
        .count()
}

async fn get(gateway: &TestGateway, target: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = gateway.http.get(gateway.url(target));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn x_cache(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-cache")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Reads `target` until the gateway answers it itself (its subscription is
/// up), at most 5 s.
async fn until_kept(gateway: &TestGateway, target: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while x_cache(&get(gateway, target, &[]).await) != "HIT" {
        assert!(
            Instant::now() < deadline,
            "{target} never answered by the gateway"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Reads `target` until the read reaches the catalogue, at most 2 s.
async fn until_forwarded(gateway: &TestGateway, target: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let before = forwarded(gateway).await;
        get(gateway, target, &[]).await;
        if forwarded(gateway).await > before {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{target} still answered by the gateway"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn publish(gateway: &TestGateway, message: serde_json::Value) {
    let client = redis::Client::open(shop_kit::testing::redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let channel = format!("{}{INVALIDATION_CHANNEL}", gateway.redis.prefix());
    let _: i64 = conn.publish(channel, message.to_string()).await.unwrap();
}

#[tokio::test]
async fn an_anonymous_public_read_is_answered_by_the_gateway_until_the_catalogue_says_it_changed() {
    let gateway = spawn_gateway(&[]).await;
    catalogue(&gateway, Uuid::now_v7()).await;
    let id = Uuid::now_v7();
    let product = format!("/api/products/{id}");
    let list = "/api/products?category=books";
    until_kept(&gateway, &product).await;
    until_kept(&gateway, list).await;
    // It filled past the catalogue's memory.
    let fills = gateway.double(Catalogue).received_requests().await.unwrap();
    let fill = fills.iter().rfind(|r| r.url.path() == product).unwrap();
    assert_eq!(fill.headers["cache-control"], "no-cache");
    // A shopper asking for no-cache reaches the catalogue.
    let before = forwarded(&gateway).await;
    get(&gateway, &product, &[("cache-control", "no-cache")]).await;
    assert_eq!(forwarded(&gateway).await, before + 1);

    let before = forwarded(&gateway).await;
    for _ in 0..5 {
        for target in [product.as_str(), list] {
            let response = get(&gateway, target, &[]).await;
            assert_eq!(response.status(), 200);
            assert_eq!(x_cache(&response), "HIT");
            assert_eq!(response.headers()["etag"], ETAG);
            assert_eq!(response.headers()["cache-control"], "public, no-cache");
            assert_eq!(response.headers()["content-type"], "application/json");
        }
        let not_modified = get(&gateway, &product, &[("if-none-match", ETAG)]).await;
        assert_eq!(not_modified.status(), 304);
        assert_eq!(not_modified.headers()["etag"], ETAG);
        assert!(not_modified.bytes().await.unwrap().is_empty());
    }
    assert_eq!(
        forwarded(&gateway).await,
        before,
        "all answered by the gateway"
    );

    // A caller with a token always reaches the catalogue.
    let token = format!("Bearer {}", gateway.token());
    get(&gateway, &product, &[("authorization", &token)]).await;
    assert_eq!(forwarded(&gateway).await, before + 1);
    // Other spellings and SKUs are the catalogue's to answer.
    get(
        &gateway,
        &product
            .to_uppercase()
            .replace("/API/PRODUCTS", "/api/products"),
        &[],
    )
    .await;
    get(&gateway, "/api/products/MUG-1", &[]).await;
    assert_eq!(forwarded(&gateway).await, before + 3);

    // Another product changed: this one is still kept.
    publish(
        &gateway,
        json!({"products": [Uuid::now_v7()], "lists": false}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(x_cache(&get(&gateway, &product, &[]).await), "HIT");
    assert_eq!(x_cache(&get(&gateway, list, &[]).await), "HIT");
    // This one changed; the lists did not.
    publish(&gateway, json!({"products": [id], "lists": false})).await;
    until_forwarded(&gateway, &product).await;
    assert_eq!(x_cache(&get(&gateway, list, &[]).await), "HIT");
    publish(&gateway, json!({"products": [], "lists": true})).await;
    until_forwarded(&gateway, list).await;
}

#[tokio::test]
async fn private_and_failed_answers_are_never_kept() {
    let gateway = spawn_gateway(&[]).await;
    let private = Uuid::now_v7();
    catalogue(&gateway, private).await;
    until_kept(&gateway, &format!("/api/products/{}", Uuid::now_v7())).await;
    let before = forwarded(&gateway).await;
    for _ in 0..3 {
        let response = get(&gateway, &format!("/api/products/{private}"), &[]).await;
        assert_eq!(response.headers()["cache-control"], "private, no-cache");
        assert_eq!(x_cache(&response), "");
        // Only a 200 is kept, whatever else it says.
        let missing = get(&gateway, &format!("/api/products/{MISSING}"), &[]).await;
        assert_eq!(missing.status(), 404);
    }
    assert_eq!(forwarded(&gateway).await, before + 6);
}

#[tokio::test]
async fn a_write_through_the_gateway_empties_its_cache() {
    let gateway = spawn_gateway(&[]).await;
    catalogue(&gateway, Uuid::now_v7()).await;
    let product = format!("/api/products/{}", Uuid::now_v7());
    until_kept(&gateway, &product).await;
    let response = gateway
        .http
        .patch(gateway.url(&product))
        .bearer_auth(gateway.token())
        .json(&json!({"name": "Big mug"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // At once, not when the message arrives.
    let before = forwarded(&gateway).await;
    get(&gateway, &product, &[]).await;
    assert_eq!(forwarded(&gateway).await, before + 1);
}

#[tokio::test]
async fn a_lost_subscription_empties_the_cache_until_it_is_back() {
    let proxy = TcpProxy::redis().await;
    let gateway = spawn_gateway(&[
        ("REDIS_URL", proxy.redis_url()),
        ("REDIS_TIMEOUT_MS", "300".to_owned()),
    ])
    .await;
    catalogue(&gateway, Uuid::now_v7()).await;
    let product = format!("/api/products/{}", Uuid::now_v7());
    until_kept(&gateway, &product).await;

    proxy.cut();
    until_forwarded(&gateway, &product).await;
    for _ in 0..3 {
        let before = forwarded(&gateway).await;
        let response = get(&gateway, &product, &[]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            forwarded(&gateway).await,
            before + 1,
            "nothing kept while cut"
        );
    }
    proxy.restore();
    until_kept(&gateway, &product).await;
}
