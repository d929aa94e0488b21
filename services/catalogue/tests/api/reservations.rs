//! Reservations: all or nothing, never oversold, idempotent, and expiring.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{CatalogueApp, spawn_catalogue};

async fn admin_view(app: &CatalogueApp, id: &str) -> Value {
    app.send(
        "GET",
        &format!("/api/products/{id}"),
        Some(&app.admin()),
        None,
    )
    .await
    .json()
    .await
    .unwrap()
}

fn reserve(id: Uuid, items: Value) -> Option<Value> {
    Some(json!({"reservation_id": id, "items": items}))
}

#[tokio::test]
async fn two_hundred_buyers_for_fifty_units_get_exactly_fifty() {
    let app = spawn_catalogue(&[
        ("HTTP_WORKERS", "2"),
        ("DATABASE_POOL_SIZE", "10"),
        ("DATABASE_TIMEOUT_MS", "30000"),
    ])
    .await;
    app.category("kitchen").await;
    let product = app.product("HOT-1", "Hot item", 1000, "kitchen", 50).await;
    let id = product["id"].as_str().unwrap();

    let attempts = (0..200).map(|_| {
        let body = reserve(Uuid::now_v7(), json!([{"product_id": id, "quantity": 1}]));
        app.internal("POST", "/internal/reservations", body)
    });
    let statuses: Vec<u16> = join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();

    let held = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((held, refused), (50, 150), "{statuses:?}");
    let view = admin_view(&app, id).await;
    assert_eq!(
        (
            view["stock_on_hand"].as_i64(),
            view["stock_reserved"].as_i64()
        ),
        (Some(50), Some(50))
    );
}

#[tokio::test]
async fn a_reservation_with_one_short_line_holds_nothing_and_names_the_line() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let plenty = app.product("A-1", "Plenty", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scarce = app.product("A-2", "Scarce", 1000, "kitchen", 1).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let response = app
        .internal("POST", "/internal/reservations",
            reserve(Uuid::now_v7(), json!([{"product_id": plenty, "quantity": 3}, {"product_id": scarce, "quantity": 2}])))
        .await;

    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "out_of_stock");
    assert_eq!(
        body["lines"],
        json!([{"product_id": scarce, "requested": 2, "available": 1}])
    );
    assert_eq!(admin_view(&app, &plenty).await["stock_reserved"], 0);
    assert_eq!(admin_view(&app, &scarce).await["stock_reserved"], 0);
}

#[tokio::test]
async fn commit_and_release_are_idempotent_and_exclusive() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let id = app.product("A-1", "Thing", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (sold, returned) = (Uuid::now_v7(), Uuid::now_v7());
    let line = json!([{"product_id": id, "quantity": 3}]);

    assert_eq!(
        app.internal(
            "POST",
            "/internal/reservations",
            reserve(sold, line.clone())
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        app.internal(
            "POST",
            "/internal/reservations",
            reserve(sold, line.clone())
        )
        .await
        .status(),
        200,
        "a retry"
    );
    let other_items = reserve(sold, json!([{"product_id": id, "quantity": 1}]));
    assert_eq!(
        app.internal("POST", "/internal/reservations", other_items)
            .await
            .status(),
        409
    );
    for _ in 0..2 {
        let commit = app
            .internal(
                "POST",
                &format!("/internal/reservations/{sold}/commit"),
                None,
            )
            .await;
        assert_eq!(commit.status(), 200);
        assert_eq!(commit.json::<Value>().await.unwrap()["status"], "committed");
    }
    assert_eq!(
        app.internal(
            "POST",
            &format!("/internal/reservations/{sold}/release"),
            None
        )
        .await
        .status(),
        409
    );

    assert_eq!(
        app.internal("POST", "/internal/reservations", reserve(returned, line))
            .await
            .status(),
        201
    );
    for _ in 0..2 {
        assert_eq!(
            app.internal(
                "POST",
                &format!("/internal/reservations/{returned}/release"),
                None
            )
            .await
            .status(),
            200
        );
    }
    assert_eq!(
        app.internal(
            "POST",
            &format!("/internal/reservations/{returned}/commit"),
            None
        )
        .await
        .status(),
        409
    );

    let view = admin_view(&app, &id).await;
    assert_eq!(
        (
            view["stock_on_hand"].as_i64(),
            view["stock_reserved"].as_i64()
        ),
        (Some(7), Some(0))
    );
    let unknown = app
        .internal(
            "POST",
            &format!("/internal/reservations/{}/commit", Uuid::now_v7()),
            None,
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_expired_reservation_gives_its_stock_back() {
    let app = spawn_catalogue(&[("RESERVATION_SWEEP_INTERVAL_MS", "100")]).await;
    app.category("kitchen").await;
    let id = app.product("A-1", "Thing", 1000, "kitchen", 5).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reservation = Uuid::now_v7();
    let body = json!({"reservation_id": reservation, "items": [{"product_id": id, "quantity": 5}], "ttl_seconds": 1});
    assert_eq!(
        app.internal("POST", "/internal/reservations", Some(body))
            .await
            .status(),
        201
    );
    assert_eq!(
        app.read(&format!("/api/products/{id}")).await.1["stock_hint"],
        "out_of_stock"
    );

    let mut status = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = app
            .internal(
                "GET",
                &format!("/internal/reservations/{reservation}"),
                None,
            )
            .await
            .json::<Value>()
            .await
            .unwrap()["status"]
            .clone();
        if status == "expired" {
            break;
        }
    }
    assert_eq!(status, "expired");
    assert_eq!(admin_view(&app, &id).await["stock_reserved"], 0);
    assert_eq!(
        app.read(&format!("/api/products/{id}")).await.1["stock_hint"],
        "low_stock"
    );
    // Committing an expired hold is refused: checkout must then compensate.
    assert_eq!(
        app.internal(
            "POST",
            &format!("/internal/reservations/{reservation}/commit"),
            None
        )
        .await
        .status(),
        409
    );
}

#[tokio::test]
async fn a_restock_adds_once_and_prices_come_in_one_call() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let a = app.product("A-1", "Thing", 1000, "kitchen", 5).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.product("A-2", "Other", 2500, "kitchen", 0).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let restock =
        json!({"restock_id": Uuid::now_v7(), "items": [{"product_id": a, "quantity": 2}]});

    for _ in 0..2 {
        assert_eq!(
            app.internal("POST", "/internal/restocks", Some(restock.clone()))
                .await
                .status(),
            200
        );
    }
    assert_eq!(admin_view(&app, &a).await["stock_on_hand"], 7);

    let prices: Value = app
        .internal("GET", &format!("/internal/products?ids={a},{b}"), None)
        .await
        .json()
        .await
        .unwrap();
    let mut prices: Vec<(i64, i64)> = prices
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["price_cents"].as_i64().unwrap(),
                p["available"].as_i64().unwrap(),
            )
        })
        .collect();
    prices.sort();
    assert_eq!(prices, [(1000, 7), (2500, 0)]);
    assert_eq!(
        app.get("/internal/products?ids=x").await.status(),
        401,
        "no token"
    );
}
