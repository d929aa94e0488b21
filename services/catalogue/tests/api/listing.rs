//! Search, filters, sort and pagination against known fixtures, as a
//! shopper and as an admin (who also finds the products off sale).

use serde_json::{Value, json};

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

/// The fixtures with K-1 (the in-stock Red Mug) taken off sale and two of
/// K-3's three units held by a checkout.
async fn fixtures_with_one_off_sale() -> CatalogueApp {
    let app = fixtures().await;
    let admin = app.admin();
    let id_of = async |sku: &str| {
        let product = admin_get(&app, &format!("/api/products/{sku}")).await;
        product["id"].as_str().unwrap().to_owned()
    };
    let (red_mug, teapot) = (id_of("K-1").await, id_of("K-3").await);
    let deleted = app
        .send(
            "DELETE",
            &format!("/api/products/{red_mug}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    let reservation = json!({"reservation_id": uuid::Uuid::now_v7(),
        "items": [{"product_id": teapot, "quantity": 2}]});
    let reserved = app
        .internal("POST", "/internal/reservations", Some(reservation))
        .await;
    assert_eq!(reserved.status(), 201);
    app
}

/// `GET path` with an admin's token: the body of its 200.
async fn admin_get(app: &CatalogueApp, path: &str) -> Value {
    let response = app.send("GET", path, Some(&app.admin()), None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// `GET path` with a customer's token: the body of its 200.
async fn shopper_get(app: &CatalogueApp, path: &str) -> Value {
    let response = app.send("GET", path, Some(&app.customer()), None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
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
async fn bad_list_parameters_are_422_naming_them_for_shoppers_and_admins_alike() {
    let app = fixtures().await;
    let admin = app.admin();
    for token in [None, Some(admin.as_str())] {
        for (path, field) in [
            ("/api/products?sort=cheapest", "sort"),
            ("/api/products?min_price_cents=-1", "min_price_cents"),
            (
                "/api/products?min_price_cents=10&max_price_cents=5",
                "min_price_cents",
            ),
            ("/api/products?limit=0", "limit"),
            ("/api/products?limit=101", "limit"),
            ("/api/products?q=mu%00g", "q"),
        ] {
            let response = app.send("GET", path, token, None).await;
            assert_eq!(response.status(), 422, "{path}, admin: {}", token.is_some());
            assert!(
                response.json::<Value>().await.unwrap()["fields"][field].is_string(),
                "{path}"
            );
        }
        let unparsed = app
            .send("GET", "/api/products?min_price_cents=abc", token, None)
            .await;
        assert_eq!(unparsed.status(), 400);
    }
}

#[tokio::test]
async fn an_admins_list_has_the_products_off_sale_and_every_ones_stock_counts() {
    let app = fixtures_with_one_off_sale().await;
    let path = "/api/products?sort=price";

    let page = admin_get(&app, path).await;
    let counts: Vec<(String, Value, Value, Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let sku = p["sku"].as_str().unwrap().to_owned();
            (
                sku,
                p["stock_on_hand"].clone(),
                p["stock_reserved"].clone(),
                p["active"].clone(),
            )
        })
        .collect();
    let expected = [
        ("B-3", 20, 0, true),
        ("K-1", 10, 0, false),
        ("K-2", 0, 0, true),
        ("K-3", 3, 2, true),
        ("B-1", 7, 0, true),
        ("B-2", 1, 0, true),
    ]
    .map(|(sku, on_hand, reserved, active)| {
        (
            sku.to_owned(),
            json!(on_hand),
            json!(reserved),
            json!(active),
        )
    });
    assert_eq!(counts, expected, "{page}");
    assert_eq!(page["total"], 6);
    // Each item is exactly what the single-product admin view shows.
    for item in page["items"].as_array().unwrap() {
        let one = admin_get(
            &app,
            &format!("/api/products/{}", item["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(*item, one);
    }

    // The same query as a shopper, signed in or not: on sale only, no counts.
    let anonymous = app.read(path).await.1;
    let shopper = shopper_get(&app, path).await;
    assert_eq!(shopper, anonymous, "one page for every shopper");
    assert_eq!(skus(&shopper), ["B-3", "K-2", "K-3", "B-1", "B-2"]);
    assert_eq!(shopper["total"], 5);
    for item in shopper["items"].as_array().unwrap() {
        for field in ["stock_on_hand", "stock_reserved", "active"] {
            assert!(item.get(field).is_none(), "{field} for a shopper: {item}");
        }
    }
}

#[tokio::test]
async fn filters_sort_and_pages_apply_to_the_admins_list_too() {
    let app = fixtures_with_one_off_sale().await;
    // (query, the admin's page, the shopper's page): K-1 is off sale.
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "category=kitchen&sort=price",
            &["K-1", "K-2", "K-3"],
            &["K-2", "K-3"],
        ),
        (
            "min_price_cents=1000&max_price_cents=2500&sort=price",
            &["K-1", "K-2", "K-3", "B-1"],
            &["K-2", "K-3", "B-1"],
        ),
        ("max_price_cents=999", &["B-3"], &["B-3"]),
        (
            "in_stock=true&category=kitchen&sort=price",
            &["K-1", "K-3"],
            &["K-3"],
        ),
        ("q=mug&sort=price", &["K-1", "K-2", "B-2"], &["K-2", "B-2"]),
        ("q=red", &["K-1"], &[]),
        (
            "sort=name",
            &["B-3", "K-2", "B-1", "B-2", "K-1", "K-3"],
            &["B-3", "K-2", "B-1", "B-2", "K-3"],
        ),
        (
            "sort=-price",
            &["B-2", "B-1", "K-3", "K-2", "K-1", "B-3"],
            &["B-2", "B-1", "K-3", "K-2", "B-3"],
        ),
        (
            "",
            &["B-3", "B-2", "B-1", "K-3", "K-2", "K-1"],
            &["B-3", "B-2", "B-1", "K-3", "K-2"],
        ),
        (
            "sort=price&limit=2&offset=1",
            &["K-1", "K-2"],
            &["K-2", "K-3"],
        ),
    ];
    for (query, admin, shopper) in cases {
        let path = format!("/api/products?{query}");
        let admins = admin_get(&app, &path).await;
        assert_eq!(skus(&admins), *admin, "{path} as an admin");
        let shoppers = shopper_get(&app, &path).await;
        assert_eq!(skus(&shoppers), *shopper, "{path} as a shopper");
        if !query.contains("limit") {
            assert_eq!(admins["total"], admin.len(), "{path} as an admin");
            assert_eq!(shoppers["total"], shopper.len(), "{path} as a shopper");
        }
    }

    // The totals count what each caller may see, whatever the page holds.
    let page = |body: &Value| {
        (
            skus(body),
            body["total"].as_i64(),
            body["limit"].as_i64(),
            body["offset"].as_i64(),
        )
    };
    let last = "/api/products?sort=price&limit=2&offset=4";
    assert_eq!(
        page(&admin_get(&app, last).await),
        (
            vec!["B-1".to_owned(), "B-2".to_owned()],
            Some(6),
            Some(2),
            Some(4)
        )
    );
    assert_eq!(
        page(&shopper_get(&app, last).await),
        (vec!["B-2".to_owned()], Some(5), Some(2), Some(4))
    );
    let kitchen = "/api/products?category=kitchen&limit=1";
    assert_eq!(admin_get(&app, kitchen).await["total"], 3);
    assert_eq!(shopper_get(&app, kitchen).await["total"], 2);
}
