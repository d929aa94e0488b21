//! The Redis cache: hits after misses, never stale after a write, and never
//! in the way when Redis is gone.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use serde_json::{Value, json};

use crate::helpers::spawn_catalogue;

#[tokio::test]
async fn the_first_read_misses_and_the_second_hits() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(app.read(&format!("/api/products/{id}")).await.0, "MISS");
    assert_eq!(app.read(&format!("/api/products/{id}")).await.0, "HIT");
    assert_eq!(app.read("/api/products?category=kitchen").await.0, "MISS");
    assert_eq!(app.read("/api/products?category=kitchen").await.0, "HIT");
    // The same query written differently shares the entry.
    assert_eq!(
        app.read("/api/products?category=KITCHEN&limit=20").await.0,
        "HIT"
    );

    let stats: Value = app
        .send("GET", "/api/cache/stats", Some(&app.admin()), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        stats["hits"].as_u64().unwrap() >= 3 && stats["misses"].as_u64().unwrap() >= 2,
        "{stats}"
    );
    assert!(
        stats["keys"].as_u64().unwrap() >= 2 && stats["redis_up"] == true,
        "{stats}"
    );
}

/// The response's `X-Cache`, `Cache-Control` and `Vary` ("" when absent).
fn caching(response: &reqwest::Response) -> [String; 3] {
    ["x-cache", "cache-control", "vary"].map(|name| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn an_admins_list_neither_comes_from_nor_fills_the_cache() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    app.product("MUG-1", "Mug", 1000, "kitchen", 10).await;
    let old = app.product("MUG-0", "Old Mug", 900, "kitchen", 4).await;
    let admin = app.admin();
    let deleted = app
        .send(
            "DELETE",
            &format!("/api/products/{}", old["id"].as_str().unwrap()),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    app.await_subscribed(true).await;
    let list = "/api/products?category=kitchen";
    let admins_page = async || {
        let response = app.send("GET", list, Some(&admin), None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            caching(&response),
            ["MISS", "private, no-cache", "Authorization"]
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["total"], 2, "with the one off sale: {body}");
        let newest = &body["items"][0];
        assert_eq!(
            (&newest["sku"], &newest["active"], &newest["stock_on_hand"]),
            (&json!("MUG-0"), &json!(false), &json!(4)),
            "{body}"
        );
        body
    };

    let before = app.cache_stats().await;
    for _ in 0..3 {
        admins_page().await;
    }
    let after = app.cache_stats().await;
    for figure in ["hits", "misses", "memory_hits", "memory_entries", "keys"] {
        assert_eq!(
            after[figure], before[figure],
            "{figure}: {before} then {after}"
        );
    }

    // The admin's reads left nothing for shoppers to be served.
    let (cache, public) = app.read(list).await;
    assert_eq!(cache, "MISS");
    assert_eq!(public["total"], 1, "{public}");
    assert!(
        public["items"][0].get("stock_on_hand").is_none(),
        "{public}"
    );
    let shopper = app.send("GET", list, Some(&app.customer()), None).await;
    assert_eq!(
        caching(&shopper),
        ["HIT", "public, no-cache", "Authorization"]
    );
    assert_eq!(shopper.json::<Value>().await.unwrap(), public);
    // And the page now cached for shoppers is not what an admin is served.
    let admins = admins_page().await;
    assert_ne!(admins, public);
}

#[tokio::test]
async fn every_write_shows_in_the_next_read() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let admin = app.admin();
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = format!("/api/products/{id}");
    let list = "/api/products?category=kitchen";
    let warm = || async {
        app.read(&product).await;
        app.read(list).await;
        assert_eq!(app.read(&product).await.0, "HIT");
        assert_eq!(app.read(list).await.0, "HIT");
    };

    warm().await;
    app.send(
        "PUT",
        &product,
        Some(&admin),
        Some(
            json!({"sku": "MUG-1", "name": "Renamed", "price_cents": 1000, "category": "kitchen"}),
        ),
    )
    .await;
    assert_eq!(app.read(&product).await.1["name"], "Renamed");
    assert_eq!(app.read(list).await.1["items"][0]["name"], "Renamed");

    warm().await;
    app.send(
        "PATCH",
        &product,
        Some(&admin),
        Some(json!({"price_cents": 1234})),
    )
    .await;
    assert_eq!(app.read(&product).await.1["price_cents"], 1234);
    assert_eq!(app.read(list).await.1["items"][0]["price_cents"], 1234);

    warm().await;
    app.send(
        "PUT",
        &format!("{product}/stock"),
        Some(&admin),
        Some(json!({"stock_on_hand": 0})),
    )
    .await;
    assert_eq!(app.read(&product).await.1["stock_hint"], "out_of_stock");
    assert_eq!(
        app.read(list).await.1["items"][0]["stock_hint"],
        "out_of_stock"
    );

    warm().await;
    let reservation = json!({"reservation_id": uuid::Uuid::now_v7(), "items": [{"product_id": id, "quantity": 1}]});
    app.send(
        "PUT",
        &format!("{product}/stock"),
        Some(&admin),
        Some(json!({"stock_on_hand": 1})),
    )
    .await;
    warm().await;
    assert_eq!(
        app.internal("POST", "/internal/reservations", Some(reservation))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.read(&product).await.1["stock_hint"],
        "out_of_stock",
        "the last unit is held"
    );
    assert_eq!(
        app.read(list).await.1["items"][0]["stock_hint"],
        "out_of_stock"
    );

    warm().await;
    app.send("DELETE", &product, Some(&admin), None).await;
    assert_eq!(app.get(&product).await.status(), 404);
    assert_eq!(app.read(list).await.1["total"], 0);
}

#[tokio::test]
async fn no_read_that_starts_after_a_write_answered_sees_the_old_value() {
    let app =
        Arc::new(spawn_catalogue(&[("HTTP_WORKERS", "2"), ("DATABASE_POOL_SIZE", "8")]).await);
    app.category("kitchen").await;
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/products/{id}");
    // Prices only go up; `answered` is the newest price a write has confirmed.
    let answered = Arc::new(AtomicI64::new(1000));

    let writer = {
        let (app, answered, path) = (app.clone(), answered.clone(), path.clone());
        tokio::spawn(async move {
            let admin = app.admin();
            for price in 1001..=1040 {
                let response = app
                    .send(
                        "PATCH",
                        &path,
                        Some(&admin),
                        Some(json!({"price_cents": price})),
                    )
                    .await;
                assert_eq!(response.status(), 200);
                answered.store(price, Ordering::SeqCst);
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (app, answered, path) = (app.clone(), answered.clone(), path.clone());
            tokio::spawn(async move {
                let mut reads = 0;
                while answered.load(Ordering::SeqCst) < 1040 {
                    let floor = answered.load(Ordering::SeqCst);
                    let (_, body) = app.read(&path).await;
                    let seen = body["price_cents"].as_i64().unwrap();
                    assert!(
                        seen >= floor,
                        "read {seen} after the write of {floor} had answered"
                    );
                    reads += 1;
                }
                reads
            })
        })
        .collect();

    writer.await.unwrap();
    let mut total_reads = 0;
    for reader in readers {
        total_reads += reader.await.unwrap();
    }
    assert!(
        total_reads > 40,
        "the readers really raced the writer ({total_reads} reads)"
    );
    assert_eq!(app.read(&path).await.1["price_cents"], 1040);
}

#[tokio::test]
async fn with_redis_unreachable_reads_still_answer_and_health_is_degraded() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redis_url = format!("redis://127.0.0.1:{closed}");
    let app = spawn_catalogue(&[("REDIS_URL", &redis_url)]).await;
    app.category("kitchen").await;
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    for _ in 0..3 {
        let (cache, body) = app.read(&format!("/api/products/{id}")).await;
        assert_eq!(
            (cache.as_str(), body["sku"].as_str()),
            ("MISS", Some("MUG-1"))
        );
        let (_, list) = app.read("/api/products").await;
        assert_eq!(list["total"], 1);
    }
    let health = app.get("/health").await;
    assert_eq!(health.status(), 200);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["checks"]["redis"]["status"], "down");
    let stats: Value = app
        .send("GET", "/api/cache/stats", Some(&app.admin()), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["redis_up"], false);
}
