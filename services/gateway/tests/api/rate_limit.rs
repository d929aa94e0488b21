//! The limiter counts in memory, shares through Redis, and still limits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use shop_client::ServiceName::Catalogue;
use shop_kit::testing::TcpProxy;
use wiremock::{Mock, ResponseTemplate, matchers::any};

use crate::helpers::{TestGateway, spawn_gateway};

async fn answer_everything(gateway: &TestGateway) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(gateway.double(Catalogue))
        .await;
}

/// Waits for a fresh one-minute window when the current one ends within
/// `margin`, so a test's requests all fall in one.
async fn with_time_left_in_the_window(margin: u64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let into = now.as_secs() % 60;
    if into + margin >= 60 {
        tokio::time::sleep(Duration::from_secs(60 - into)).await;
    }
}

async fn statuses(gateway: &TestGateway, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        let response = gateway
            .http
            .get(gateway.url("/api/products"))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            let retry: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
        }
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn the_limit_is_exact_on_one_replica_without_a_redis_round_trip_per_request() {
    let proxy = TcpProxy::redis().await;
    let gateway = spawn_gateway(&[
        ("REDIS_URL", proxy.redis_url()),
        ("RATE_LIMIT_PER_IP_PER_MIN", "150".to_owned()),
        ("GATEWAY_CACHE_ENABLED", "false".to_owned()),
    ])
    .await;
    answer_everything(&gateway).await;
    with_time_left_in_the_window(15).await;
    let before = proxy.writes();
    let statuses = statuses(&gateway, 200).await;
    let writes = proxy.writes() - before;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        150,
        "{statuses:?}"
    );
    assert!(statuses[150..].iter().all(|s| *s == 429), "{statuses:?}");
    assert!(
        writes <= 25,
        "{writes} writes to Redis for 200 requests: counting must not call Redis per request"
    );
}

#[tokio::test]
async fn replicas_share_their_counts_through_redis() {
    let a = spawn_gateway(&[
        ("RATE_LIMIT_PER_IP_PER_MIN", "10".to_owned()),
        ("RATE_LIMIT_SYNC_MS", "50".to_owned()),
    ])
    .await;
    let b = spawn_gateway(&[
        ("RATE_LIMIT_PER_IP_PER_MIN", "10".to_owned()),
        ("RATE_LIMIT_SYNC_MS", "50".to_owned()),
        ("REDIS_KEY_PREFIX", a.redis.prefix().to_owned()),
    ])
    .await;
    answer_everything(&a).await;
    answer_everything(&b).await;
    with_time_left_in_the_window(10).await;

    let on_a = statuses(&a, 6).await;
    assert_eq!(on_a, [200; 6]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // b learns a's 6 at its first sync after its own first request.
    let first_on_b = statuses(&b, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rest_on_b = statuses(&b, 5).await;
    assert_eq!(first_on_b, [200]);
    assert_eq!(
        rest_on_b,
        [200, 200, 200, 429, 429],
        "10 in all, across both"
    );
}
