//! Carts through the gateway: guest carts by id and cookie, user carts,
//! price snapshots, merging at sign-in, and validation.

use serde_json::json;

use crate::helpers::{GOOD_CARD, card, checkout_body, read, spawn_shop};

#[tokio::test]
async fn a_guest_gets_a_cart_id_and_cookie_then_merges_into_the_users_cart_at_sign_in() {
    let shop = spawn_shop().await;
    let book = shop.product(1999, 10).await;
    let pen = shop.product(250, 500).await;

    let response = shop
        .http
        .post(shop.url("/api/cart/items"))
        .json(&json!({"product_id": book, "quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let cart_id = response.headers()["x-cart-id"].to_str().unwrap().to_owned();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with(&format!("cart_id={cart_id}")),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    // The cookie alone finds the cart again.
    let (status, guest) = read(
        shop.http
            .post(shop.url("/api/cart/items"))
            .header("cookie", format!("cart_id={cart_id}"))
            .json(&json!({"product_id": pen, "quantity": 60}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{guest}");
    assert_eq!(guest["id"], cart_id);
    assert_eq!(guest["total_cents"], 2 * 1999 + 60 * 250);

    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, pen, 50).await;
    let (status, merged) = read(
        shop.http
            .post(shop.url("/api/cart/merge"))
            .bearer_auth(&token)
            .header("x-cart-id", &cart_id)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{merged}");
    let quantity = |product: uuid::Uuid| {
        merged["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["product_id"] == product.to_string())
            .map(|i| i["quantity"].as_i64().unwrap())
    };
    assert_eq!(quantity(book), Some(2));
    assert_eq!(quantity(pen), Some(99), "50 + 60 is capped at 99");
    let (_, gone) = read(
        shop.http
            .get(shop.url("/api/cart"))
            .header("x-cart-id", &cart_id)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(gone["items"], json!([]), "the guest cart is gone: {gone}");

    // And the merged cart checks out.
    let (status, order) = shop
        .checkout(&token, "after-merge", &checkout_body(card(GOOD_CARD)))
        .await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["total_cents"], 2 * 1999 + 99 * 250);
}

#[tokio::test]
async fn cart_lines_can_be_changed_and_removed_by_their_owner_only() {
    let shop = spawn_shop().await;
    let product = shop.product(400, 10).await;
    let (_, token) = shop.shopper();
    let (_, stranger) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    shop.add_to_cart(&token, product, 2).await;
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(
        cart["items"][0]["quantity"], 3,
        "adding again adds up: {cart}"
    );
    let item = cart["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/cart/items/{item}");

    let (status, _) = shop
        .call(
            "PATCH",
            &path,
            Some(&stranger),
            Some(json!({"quantity": 5})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, cart) = shop
        .call("PATCH", &path, Some(&token), Some(json!({"quantity": 5})))
        .await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(cart["items"][0]["quantity"], 5);
    assert_eq!(cart["total_cents"], 2000);
    let (status, _) = shop.call("DELETE", &path, Some(&stranger), None).await;
    assert_eq!(status, 404);
    let (status, cart) = shop.call("DELETE", &path, Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(cart["items"], json!([]));
    let (status, _) = shop.call("DELETE", &path, Some(&token), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_cart_input_is_refused_and_changes_nothing() {
    let shop = spawn_shop().await;
    let product = shop.product(400, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 98).await;

    for (body, field) in [
        (json!({"product_id": product, "quantity": 0}), "quantity"),
        (json!({"product_id": product, "quantity": 100}), "quantity"),
        (json!({"product_id": product, "quantity": 2}), "quantity"),
        (
            json!({"product_id": uuid::Uuid::now_v7(), "quantity": 1}),
            "product_id",
        ),
    ] {
        let (status, problem) = shop
            .call("POST", "/api/cart/items", Some(&token), Some(body.clone()))
            .await;
        assert_eq!(status, 422, "{body} -> {problem}");
        assert!(problem["fields"][field].is_string(), "{problem}");
    }
    let (status, _) = shop
        .call(
            "POST",
            "/api/cart/items",
            Some(&token),
            Some(json!({"product_id": "nope", "quantity": 1})),
        )
        .await;
    assert!(status == 400 || status == 422, "{status}");
    let (status, problem) = read(
        shop.http
            .get(shop.url("/api/cart"))
            .header("x-cart-id", "not-a-uuid")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(cart["items"][0]["quantity"], 98, "{cart}");
    assert_eq!(cart["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_price_change_after_adding_is_flagged_and_checkout_charges_todays_price() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 2).await;
    let (status, _) = shop
        .call(
            "PATCH",
            &format!("/api/products/{product}"),
            Some(&shop.admin()),
            Some(json!({"price_cents": 1200})),
        )
        .await;
    assert_eq!(status, 200);

    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;

    let line = &cart["items"][0];
    assert_eq!(line["price_changed"], true, "{cart}");
    assert_eq!(line["added_price_cents"], 1000);
    assert_eq!(line["unit_price_cents"], 1200);
    assert_eq!(line["line_total_cents"], 2400);
    assert_eq!(cart["prices_current"], true);
    let (status, order) = shop
        .checkout(&token, "new-price", &checkout_body(card(GOOD_CARD)))
        .await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["total_cents"], 2400);
}

#[tokio::test]
async fn a_guest_cart_id_never_opens_a_users_cart() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    let user_cart = cart["id"].as_str().unwrap().to_owned();

    let (status, seen) = read(
        shop.http
            .get(shop.url("/api/cart"))
            .header("x-cart-id", &user_cart)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(seen["items"], json!([]), "{seen}");
    assert_eq!(seen["id"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_cart_holds_at_most_a_hundred_products() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let mut products = Vec::new();
    for _ in 0..101 {
        products.push(shop.product(100, 5).await);
    }
    for product in &products[..100] {
        shop.add_to_cart(&token, *product, 1).await;
    }

    let (status, body) = shop
        .call(
            "POST",
            "/api/cart/items",
            Some(&token),
            Some(json!({"product_id": products[100], "quantity": 1})),
        )
        .await;

    assert_eq!(status, 422, "{body}");
    assert!(
        body["fields"]["product_id"]
            .as_str()
            .unwrap()
            .contains("full"),
        "{body}"
    );
    let (status, _) = shop
        .call(
            "POST",
            "/api/cart/items",
            Some(&token),
            Some(json!({"product_id": products[0], "quantity": 1})),
        )
        .await;
    assert_eq!(
        status, 201,
        "more of a product already in the cart still fits"
    );
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(cart["items"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn a_malformed_cart_id_header_is_a_400_signed_in_or_not() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();

    for (method, path) in [
        ("GET", "/api/cart"),
        ("POST", "/api/cart/merge"),
        (
            "DELETE",
            "/api/cart/items/01a2316d-3be9-73fa-b29e-73e2aa92b7f6",
        ),
    ] {
        let request = shop
            .http
            .request(method.parse().unwrap(), shop.url(path))
            .bearer_auth(&token)
            .header("x-cart-id", "not-a-cart-4111");
        let (status, problem) = read(request.send().await.unwrap()).await;
        assert_eq!(status, 400, "{method} {path}: {problem}");
        assert_eq!(problem["code"], "invalid_cart_id", "{problem}");
        assert!(!problem.to_string().contains("4111"), "{problem}");
    }
    let (status, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(status, 200, "without the header: {cart}");
}

#[tokio::test]
async fn a_quantity_is_a_whole_number_however_it_is_written() {
    let shop = spawn_shop().await;
    let product = shop.product(300, 10).await;
    let (_, token) = shop.shopper();

    let (status, cart) = shop
        .call(
            "POST",
            "/api/cart/items",
            Some(&token),
            Some(json!({"product_id": product, "quantity": 2.0})),
        )
        .await;
    assert_eq!(status, 201, "2.0 is the integer 2: {cart}");
    assert_eq!(cart["items"][0]["quantity"], 2);
    let item = cart["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/cart/items/{item}");
    let (status, cart) = shop
        .call("PATCH", &path, Some(&token), Some(json!({"quantity": 3e0})))
        .await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(cart["items"][0]["quantity"], 3);

    let (status, problem) = shop
        .call("PATCH", &path, Some(&token), Some(json!({"quantity": 1.5})))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem["fields"]["quantity"].is_string(), "{problem}");
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(cart["items"][0]["quantity"], 3, "unchanged: {cart}");
}
