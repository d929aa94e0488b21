//! Product CRUD with validation, and who may do it.

use serde_json::{Value, json};

use crate::helpers::spawn_catalogue;

#[tokio::test]
async fn an_admin_creates_replaces_patches_and_deactivates_a_product() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let admin = app.admin();

    let created = app
        .product("MUG-1", "Stoneware Mug", 1450, "kitchen", 10)
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["stock_on_hand"], 10);

    let put = app
        .send("PUT", &format!("/api/products/{id}"), Some(&admin),
            Some(json!({"sku": "MUG-1", "name": "Big Mug", "description": "bigger", "price_cents": 1650, "category": "kitchen"})))
        .await;
    assert_eq!(put.status(), 200);
    let patched = app
        .send(
            "PATCH",
            &format!("/api/products/{id}"),
            Some(&admin),
            Some(json!({"price_cents": 1550})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(
        (patched["name"].as_str(), patched["price_cents"].as_i64()),
        (Some("Big Mug"), Some(1550))
    );

    let (_, public) = app.read(&format!("/api/products/{id}")).await;
    assert_eq!(public["stock_hint"], "in_stock");
    assert!(
        public.get("stock_on_hand").is_none(),
        "counts are for admins: {public}"
    );
    let (_, by_sku) = app.read("/api/products/MUG-1").await;
    assert_eq!(by_sku["id"], id.as_str());

    assert_eq!(
        app.send("DELETE", &format!("/api/products/{id}"), Some(&admin), None)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get(&format!("/api/products/{id}")).await.status(),
        404,
        "gone for shoppers"
    );
    let for_admin: Value = app
        .send("GET", &format!("/api/products/{id}"), Some(&admin), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(for_admin["active"], false, "kept for past orders");
}

#[tokio::test]
async fn bad_products_are_refused_with_the_field_named() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    app.product("MUG-1", "Mug", 1000, "kitchen", 1).await;
    let admin = app.admin();
    let post = |body: Value| app.send("POST", "/api/products", Some(&admin), Some(body));

    for (price, field) in [(0, "price_cents"), (-5, "price_cents")] {
        let response =
            post(json!({"sku": "X-1", "name": "X", "price_cents": price, "category": "kitchen"}))
                .await;
        assert_eq!(response.status(), 422);
        assert!(response.json::<Value>().await.unwrap()["fields"][field].is_string());
    }
    let empty_name =
        post(json!({"sku": "X-2", "name": "  ", "price_cents": 100, "category": "kitchen"})).await;
    assert_eq!(empty_name.status(), 422);
    assert!(empty_name.json::<Value>().await.unwrap()["fields"]["name"].is_string());
    let unknown_category =
        post(json!({"sku": "X-3", "name": "X", "price_cents": 100, "category": "nope"})).await;
    assert_eq!(unknown_category.status(), 422);
    let duplicate =
        post(json!({"sku": "MUG-1", "name": "Another", "price_cents": 100, "category": "kitchen"}))
            .await;
    assert_eq!(duplicate.status(), 409);
    assert!(duplicate.json::<Value>().await.unwrap()["fields"]["sku"].is_string());

    let unknown = uuid::Uuid::now_v7();
    assert_eq!(
        app.get(&format!("/api/products/{unknown}")).await.status(),
        404
    );
    assert_eq!(
        app.get("/api/products/not-a-uuid-or-sku").await.status(),
        404
    );
    // A NUL byte or bytes that are not UTF-8 in the path are refused before
    // any route (shop-kit's path rule), not looked up.
    let garbage = app.get("/api/products/%00%ff").await;
    assert_eq!(garbage.status(), 400);
    assert_eq!(
        garbage.json::<Value>().await.unwrap()["code"],
        "invalid_path"
    );
    let patch_unknown = app
        .send(
            "PATCH",
            &format!("/api/products/{unknown}"),
            Some(&admin),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(patch_unknown.status(), 404);
    let malformed = app
        .send(
            "PATCH",
            "/api/products/not-a-uuid",
            Some(&admin),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_eq!(malformed.status(), 400);

    let listed: Value = app.read("/api/products").await.1;
    assert_eq!(listed["total"], 1, "nothing half-written: {listed}");
}

#[tokio::test]
async fn only_admins_may_write() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let body = json!({"sku": "X-1", "name": "X", "price_cents": 100, "category": "kitchen"});

    assert_eq!(
        app.send("POST", "/api/products", None, Some(body.clone()))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.send("POST", "/api/products", Some(&app.customer()), Some(body))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.send("GET", "/api/cache/stats", Some(&app.customer()), None)
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn stock_cannot_go_below_what_is_reserved() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let product = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await;
    let id = product["id"].as_str().unwrap();
    let reserved = app
        .internal("POST", "/internal/reservations", Some(json!({"reservation_id": uuid::Uuid::now_v7(), "items": [{"product_id": id, "quantity": 4}]})))
        .await;
    assert_eq!(reserved.status(), 201);

    let too_low = app
        .send(
            "PUT",
            &format!("/api/products/{id}/stock"),
            Some(&app.admin()),
            Some(json!({"stock_on_hand": 3})),
        )
        .await;
    assert_eq!(too_low.status(), 409);
    let negative = app
        .send(
            "PUT",
            &format!("/api/products/{id}/stock"),
            Some(&app.admin()),
            Some(json!({"stock_on_hand": -1})),
        )
        .await;
    assert_eq!(negative.status(), 422);
    let ok = app
        .send(
            "PUT",
            &format!("/api/products/{id}/stock"),
            Some(&app.admin()),
            Some(json!({"stock_on_hand": 4})),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(
        (body["stock_on_hand"].as_i64(), body["stock_hint"].as_str()),
        (Some(4), Some("out_of_stock"))
    );
}

#[tokio::test]
async fn a_body_is_an_object_and_a_whole_number_may_be_written_with_a_fraction() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let admin = app.admin();

    // JSON Schema's `integer` admits 1450.0 and 3e0; so does the server.
    let created = app
        .send("POST", "/api/products", Some(&admin),
            Some(json!({"sku": "MUG-1", "name": "Mug", "price_cents": 1450.0, "category": "kitchen", "stock_on_hand": 3e0})))
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(
        (
            created["price_cents"].as_i64(),
            created["stock_on_hand"].as_i64()
        ),
        (Some(1450), Some(3))
    );
    let path = format!("/api/products/{}", created["id"].as_str().unwrap());

    let fraction = app
        .send(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"price_cents": 14.5})),
        )
        .await;
    assert_eq!(fraction.status(), 422);
    assert!(fraction.json::<Value>().await.unwrap()["fields"]["price_cents"].is_string());

    // serde would read a struct from an array of its fields; no schema of
    // ours admits one, so it is refused and nothing changes.
    for array in [
        json!([null, null]),
        json!([]),
        json!(["MUG-2", "Mug", "", 1, "kitchen"]),
    ] {
        let refused = app
            .send("PATCH", &path, Some(&admin), Some(array.clone()))
            .await;
        assert_eq!(refused.status(), 422, "{array}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["code"], "validation_failed");
    }
    let array_product = app
        .send(
            "POST",
            "/api/products",
            Some(&admin),
            Some(json!(["MUG-2", "Mug", "", 100, "kitchen", null, 1])),
        )
        .await;
    assert_eq!(array_product.status(), 422);
    let stock = app
        .send(
            "PUT",
            &format!("{path}/stock"),
            Some(&admin),
            Some(json!([5])),
        )
        .await;
    assert_eq!(stock.status(), 422);

    let after: Value = app
        .send("GET", &path, Some(&admin), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after["updated_at"], created["updated_at"],
        "untouched: {after}"
    );
    assert_eq!(after["stock_on_hand"], 3);
    assert_eq!(app.read("/api/products").await.1["total"], 1);
}
