//! Search, filters, sort and pagination against known fixtures.

use serde_json::Value;

use crate::helpers::{CatalogueApp, spawn_catalogue};

/// Six products: two categories, prices on the boundaries the tests use.
async fn fixtures() -> CatalogueApp {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    app.category("books").await;
    app.product("K-1", "Red Mug", 1000, "kitchen", 10).await;
    app.product("K-2", "Blue Mug", 1500, "kitchen", 0).await;
    app.product("K-3", "Teapot", 2000, "kitchen", 3).await;
    app.product("B-1", "Gardening Book", 2500, "books", 7).await;
    app.product("B-2", "Mug Collecting Handbook", 3000, "books", 1)
        .await;
    app.product("B-3", "Atlas", 999, "books", 20).await;
    app
}

fn skus(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn filters_sort_and_pages_return_exactly_the_expected_products() {
    let app = fixtures().await;
    let cases: &[(&str, &[&str])] = &[
        (
            "/api/products?sort=price",
            &["B-3", "K-1", "K-2", "K-3", "B-1", "B-2"],
        ),
        (
            "/api/products?sort=-price",
            &["B-2", "B-1", "K-3", "K-2", "K-1", "B-3"],
        ),
        (
            "/api/products?sort=name",
            &["B-3", "K-2", "B-1", "B-2", "K-1", "K-3"],
        ),
        ("/api/products", &["B-3", "B-2", "B-1", "K-3", "K-2", "K-1"]),
        (
            "/api/products?category=kitchen&sort=price",
            &["K-1", "K-2", "K-3"],
        ),
        // Both bounds are inclusive.
        (
            "/api/products?min_price_cents=1000&max_price_cents=2500&sort=price",
            &["K-1", "K-2", "K-3", "B-1"],
        ),
        (
            "/api/products?min_price_cents=1001&max_price_cents=2499&sort=price",
            &["K-2", "K-3"],
        ),
        ("/api/products?max_price_cents=999", &["B-3"]),
        (
            "/api/products?in_stock=true&category=kitchen&sort=price",
            &["K-1", "K-3"],
        ),
        ("/api/products?q=mug&sort=price", &["K-1", "K-2", "B-2"]),
        ("/api/products?q=mugs&sort=price", &["K-1", "K-2", "B-2"]),
        ("/api/products?q=teapot", &["K-3"]),
        ("/api/products?q=gardening&category=kitchen", &[]),
        ("/api/products?sort=price&limit=2&offset=2", &["K-2", "K-3"]),
    ];
    for (path, expected) in cases {
        let (_, body) = app.read(path).await;
        assert_eq!(skus(&body), *expected, "{path}");
    }
    let (_, page) = app.read("/api/products?sort=price&limit=2&offset=4").await;
    assert_eq!(
        (
            page["total"].as_i64(),
            page["limit"].as_i64(),
            page["offset"].as_i64()
        ),
        (Some(6), Some(2), Some(4))
    );
    assert_eq!(page["items"][0]["stock_hint"], "in_stock");
}

#[tokio::test]
async fn stock_hints_follow_what_can_be_bought() {
    let app = fixtures().await;
    let (_, body) = app.read("/api/products?category=kitchen&sort=price").await;
    let hints: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stock_hint"].as_str().unwrap())
        .collect();
    assert_eq!(hints, ["in_stock", "out_of_stock", "low_stock"]);
}

#[tokio::test]
async fn bad_list_parameters_are_422_naming_them() {
    let app = fixtures().await;
    for (path, field) in [
        ("/api/products?sort=cheapest", "sort"),
        ("/api/products?min_price_cents=-1", "min_price_cents"),
        (
            "/api/products?min_price_cents=10&max_price_cents=5",
            "min_price_cents",
        ),
        ("/api/products?limit=0", "limit"),
        ("/api/products?limit=101", "limit"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 422, "{path}");
        assert!(
            response.json::<Value>().await.unwrap()["fields"][field].is_string(),
            "{path}"
        );
    }
    assert_eq!(
        app.get("/api/products?min_price_cents=abc").await.status(),
        400
    );
}
