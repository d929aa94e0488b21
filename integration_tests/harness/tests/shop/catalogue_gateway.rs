//! Catalogue reads through the gateway, whose cache answers anonymous public
//! reads: a write through it shows at once, a checkout's stock move shows
//! within one invalidation message, and an admin's view never lands there.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use crate::helpers::{GOOD_CARD, Shop, card, checkout_body, spawn_shop};

async fn anonymous(shop: &Shop, path: &str) -> (String, String, Value) {
    let response = shop.http.get(shop.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (x_cache, cache_control) = (header("x-cache"), header("cache-control"));
    (x_cache, cache_control, response.json().await.unwrap())
}

#[tokio::test]
async fn no_read_through_the_gateway_after_a_write_through_it_answered_is_stale() {
    let shop = Arc::new(spawn_shop().await);
    let id = shop.product(1000, 5).await;
    let path = format!("/api/products/{id}");
    // The gateway answers it itself from here on.
    let deadline = Instant::now() + Duration::from_secs(5);
    while anonymous(&shop, &path).await.0 != "HIT" {
        assert!(Instant::now() < deadline, "the gateway never kept {path}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let answered = Arc::new(AtomicI64::new(1000));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (shop, path, answered) = (shop.clone(), path.clone(), answered.clone());
            tokio::spawn(async move {
                let mut reads = 0;
                while answered.load(Ordering::SeqCst) < 1030 {
                    let floor = answered.load(Ordering::SeqCst);
                    let (_, _, body) = anonymous(&shop, &path).await;
                    let seen = body["price_cents"].as_i64().unwrap();
                    assert!(
                        seen >= floor,
                        "read {seen} after the write of {floor} answered"
                    );
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let admin = shop.admin();
    for price in 1001..=1030 {
        let (status, body) = shop
            .call(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"price_cents": price})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        answered.store(price, Ordering::SeqCst);
    }
    let mut reads = 0;
    for reader in readers {
        reads += reader.await.unwrap();
    }
    assert!(reads > 30, "the readers raced the writes ({reads} reads)");
}

#[tokio::test]
async fn a_checkout_moves_the_stock_hint_a_shopper_sees_through_the_gateway() {
    let shop = spawn_shop().await;
    let id = shop.product(1000, 1).await;
    let path = format!("/api/products/{id}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while anonymous(&shop, &path).await.0 != "HIT" {
        assert!(Instant::now() < deadline, "the gateway never kept {path}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_ne!(
        anonymous(&shop, &path).await.2["stock_hint"],
        "out_of_stock"
    );

    let (_, token) = shop.customer(0).await;
    shop.add_to_cart(&token, id, 1).await;
    let (status, order) = shop
        .checkout(
            &token,
            &uuid::Uuid::now_v7().to_string(),
            &checkout_body(card(GOOD_CARD)),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    // The catalogue reserved and committed the unit (orders called it, not
    // through the gateway): its message reaches the gateway's cache.
    let answered = Instant::now();
    loop {
        let (_, _, body) = anonymous(&shop, &path).await;
        if body["stock_hint"] == "out_of_stock" {
            break;
        }
        assert!(
            answered.elapsed() < Duration::from_secs(1),
            "the gateway still shows {body} a second after the checkout"
        );
    }
}

#[tokio::test]
async fn an_admins_view_never_lands_in_the_gateways_cache() {
    let shop = spawn_shop().await;
    let id = shop.product(1000, 7).await;
    let path = format!("/api/products/{id}");
    let admin = shop.admin();
    // Admin, then shopper, three times: by the second round the shopper's
    // reads are the gateway's, and the admin's still are not.
    for _ in 0..3 {
        let (status, body) = shop.call("GET", &path, Some(&admin), None).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["stock_on_hand"], 7,
            "the admin sees the counts: {body}"
        );
        for target in [path.as_str(), "/api/products?category=things"] {
            let (_, cache_control, body) = anonymous(&shop, target).await;
            assert_eq!(cache_control, "public, no-cache");
            let items = body["items"]
                .as_array()
                .cloned()
                .unwrap_or_else(|| vec![body.clone()]);
            for item in items {
                for field in ["stock_on_hand", "stock_reserved", "active"] {
                    assert!(
                        item.get(field).is_none(),
                        "{field} in a public answer: {item}"
                    );
                }
            }
        }
    }
    let response = shop
        .http
        .get(shop.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "private, no-cache");
}
