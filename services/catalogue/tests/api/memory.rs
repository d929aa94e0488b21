//! The in-process level of the cache: answered from memory, forgotten on
//! every replica by the invalidation message, and emptied and skipped while
//! the subscription is lost.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;
use shop_kit::testing::TcpProxy;

use crate::helpers::{CatalogueApp, spawn_catalogue};

async fn mug(app: &CatalogueApp) -> String {
    app.category("kitchen").await;
    app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn memory_hits(app: &CatalogueApp) -> u64 {
    app.cache_stats().await["memory_hits"].as_u64().unwrap()
}

/// Changes a price behind the catalogue's back: no invalidation is sent.
async fn set_price_in_postgres(app: &CatalogueApp, id: &str, price: i64) {
    use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl as _};
    let mut conn = AsyncPgConnection::establish(app.db.url().as_str())
        .await
        .unwrap();
    let changed = diesel::sql_query(format!(
        "UPDATE products SET price_cents = {price} WHERE id = '{id}'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    assert_eq!(changed, 1);
}

#[tokio::test]
async fn a_product_and_a_list_page_read_again_are_answered_from_memory() {
    let app = spawn_catalogue(&[]).await;
    let id = mug(&app).await;
    app.await_subscribed(true).await;
    let product = format!("/api/products/{id}");
    let list = "/api/products?category=kitchen";
    assert_eq!(app.read(&product).await.0, "MISS");
    assert_eq!(app.read(list).await.0, "MISS");
    let before = memory_hits(&app).await;
    for _ in 0..3 {
        assert_eq!(app.read(&product).await.0, "HIT");
        assert_eq!(app.read(list).await.0, "HIT");
        assert_eq!(app.read("/api/products/MUG-1").await.0, "HIT");
    }
    let stats = app.cache_stats().await;
    assert_eq!(
        stats["memory_hits"].as_u64().unwrap() - before,
        9,
        "{stats}"
    );
    assert!(stats["memory_entries"].as_u64().unwrap() >= 3, "{stats}");
    assert!(stats["memory_bytes"].as_u64().unwrap() > 0, "{stats}");
}

#[tokio::test]
async fn a_write_on_one_replica_reaches_the_memory_of_the_other() {
    let a = spawn_catalogue(&[]).await;
    let id = mug(&a).await;
    let b = a.replica(&[]).await;
    a.await_subscribed(true).await;
    b.await_subscribed(true).await;
    let product = format!("/api/products/{id}");
    let list = "/api/products?category=kitchen";
    b.read(&product).await;
    b.read(list).await;
    let before = memory_hits(&b).await;
    assert_eq!(b.read(&product).await.1["price_cents"], 1000);
    assert_eq!(b.read(list).await.1["items"][0]["price_cents"], 1000);
    assert_eq!(memory_hits(&b).await - before, 2, "b answers from memory");

    let response = a
        .send(
            "PATCH",
            &product,
            Some(&a.admin()),
            Some(json!({"price_cents": 1500})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answered = Instant::now();
    loop {
        let (_, body) = b.read(&product).await;
        let (_, page) = b.read(list).await;
        if body["price_cents"] == 1500 && page["items"][0]["price_cents"] == 1500 {
            break;
        }
        assert!(
            answered.elapsed() < Duration::from_secs(1),
            "replica b still serves {body} a second after the write answered"
        );
    }
    // And b's memory holds the new value from then on.
    b.read(&product).await;
    let before = memory_hits(&b).await;
    assert_eq!(b.read(&product).await.1["price_cents"], 1500);
    assert_eq!(memory_hits(&b).await - before, 1);
}

#[tokio::test]
async fn after_a_write_another_replica_serves_the_new_value_within_the_window_and_never_the_old_one_again()
 {
    let a = Arc::new(spawn_catalogue(&[("DATABASE_POOL_SIZE", "8")]).await);
    let id = mug(&a).await;
    let b = Arc::new(
        a.replica(&[("HTTP_WORKERS", "2"), ("DATABASE_POOL_SIZE", "8")])
            .await,
    );
    a.await_subscribed(true).await;
    b.await_subscribed(true).await;
    let path = format!("/api/products/{id}");
    let started = Instant::now();
    let micros = move || i64::try_from(started.elapsed().as_micros()).unwrap();
    // The newest price a write through `a` has answered with.
    let answered = Arc::new(AtomicI64::new(1000));

    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (b, path, answered) = (b.clone(), path.clone(), answered.clone());
            tokio::spawn(async move {
                // (start µs, end µs, price) of every read of b.
                let mut reads = Vec::new();
                while answered.load(Ordering::SeqCst) < 1050 {
                    let start = micros();
                    let (_, body) = b.read(&path).await;
                    reads.push((start, micros(), body["price_cents"].as_i64().unwrap()));
                }
                reads
            })
        })
        .collect();
    // (price, µs when its write answered)
    let mut writes = Vec::new();
    let admin = a.admin();
    for price in 1001..=1050 {
        let response = a
            .send(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"price_cents": price})),
            )
            .await;
        assert_eq!(response.status(), 200);
        writes.push((price, micros()));
        tokio::time::sleep(Duration::from_millis(20)).await;
        if price == 1050 {
            // Let the readers see the last one before they stop.
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        answered.store(price, Ordering::SeqCst);
    }
    let mut reads = Vec::new();
    for reader in readers {
        reads.extend(reader.await.unwrap());
    }
    assert!(
        reads.len() > 200,
        "the readers raced the writes ({} reads)",
        reads.len()
    );

    // Never an older value once a newer one was served: a read that
    // started after another had answered sees at least its price.
    let mut by_end = reads.clone();
    by_end.sort_by_key(|r| r.1);
    let mut newest = Vec::with_capacity(by_end.len());
    let mut max = 0;
    for r in &by_end {
        max = max.max(r.2);
        newest.push((r.1, max));
    }
    for (start, _, price) in &reads {
        let served_before = newest.partition_point(|(end, _)| end < start);
        if served_before > 0 {
            let floor = newest[served_before - 1].1;
            assert!(
                *price >= floor,
                "b served {price} after it had served {floor}"
            );
        }
    }
    // The window: how long after each write answered b still began reads
    // that saw an older price.
    let mut lags: Vec<i64> = writes
        .iter()
        .map(|(price, at)| {
            reads
                .iter()
                .filter(|r| r.0 >= *at && r.2 < *price)
                .map(|r| r.0 - at)
                .max()
                .unwrap_or(0)
        })
        .collect();
    lags.sort_unstable();
    let p99 = lags[(lags.len() * 99).div_ceil(100) - 1];
    eprintln!(
        "cross-replica staleness after {} writes: p50 {} µs, p99 {} µs, max {} µs ({} reads)",
        lags.len(),
        lags[lags.len() / 2],
        p99,
        lags[lags.len() - 1],
        reads.len()
    );
    assert!(
        p99 < 500_000,
        "replica b served old values for {p99} µs after a write answered"
    );
}

#[tokio::test]
async fn a_lost_subscription_empties_the_memory_and_reads_skip_it_until_it_is_back() {
    let a = spawn_catalogue(&[]).await;
    let id = mug(&a).await;
    // b reaches Redis through a proxy the test can cut.
    let proxy = TcpProxy::redis().await;
    let redis_url = proxy.redis_url();
    let b = a
        .replica(&[("REDIS_URL", &redis_url), ("REDIS_TIMEOUT_MS", "300")])
        .await;
    a.await_subscribed(true).await;
    b.await_subscribed(true).await;
    let product = format!("/api/products/{id}");
    b.read(&product).await;
    // Behind the catalogue's back: b's memory still holds 1000.
    set_price_in_postgres(&b, &id, 1200).await;
    assert_eq!(b.read(&product).await.1["price_cents"], 1000);

    proxy.cut();
    b.await_subscribed(false).await;
    let stats = b.cache_stats().await;
    assert_eq!(stats["memory_entries"], 0, "{stats}");
    assert_eq!(
        b.read(&product).await.1["price_cents"],
        1200,
        "with the subscription lost, reads skip memory"
    );
    // A write b is never told of.
    let response = a
        .send(
            "PATCH",
            &product,
            Some(&a.admin()),
            Some(json!({"price_cents": 1500})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(b.read(&product).await.1["price_cents"], 1500);

    proxy.restore();
    b.await_subscribed(true).await;
    assert_eq!(b.read(&product).await.1["price_cents"], 1500);
    let before = memory_hits(&b).await;
    assert_eq!(b.read(&product).await.1["price_cents"], 1500);
    assert_eq!(memory_hits(&b).await - before, 1, "memory answers again");
}

#[tokio::test]
async fn a_read_asking_for_no_cache_skips_memory_but_not_redis() {
    use shop_kit::redis::redis::{self, AsyncCommands as _};
    let app = spawn_catalogue(&[]).await;
    let id = mug(&app).await;
    app.await_subscribed(true).await;
    let product = format!("/api/products/{id}");
    app.read(&product).await;
    // A write as Redis sees it, whose message has not reached this replica.
    set_price_in_postgres(&app, &id, 1200).await;
    let client = redis::Client::open(shop_kit::testing::redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = conn
        .incr(format!("{}product:{id}:ver", app.redis.prefix()), 1)
        .await
        .unwrap();

    assert_eq!(app.read(&product).await.1["price_cents"], 1000, "memory");
    let fresh = app
        .http
        .get(app.url(&product))
        .header("cache-control", "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let body: serde_json::Value = fresh.json().await.unwrap();
    assert_eq!(body["price_cents"], 1200, "past memory, from Redis on");
}
