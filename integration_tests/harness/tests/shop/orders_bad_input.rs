//! Bad input through the gateway, against every real service: a NUL byte or
//! another control character in any text is a 422 naming the field (never a
//! 500, since PostgreSQL refuses NUL in `text` and `jsonb`), nothing is
//! written, and a card number sent with the wrong type never comes back.

use serde_json::{Value, json};

use crate::helpers::{GOOD_CARD, Shop, address, card, spawn_shop};

const NUL: &str = "\u{0}";

/// Sends the request and asserts a 4xx naming `field` (in `fields`).
async fn refused(
    shop: &Shop,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    field: &str,
) {
    let (status, answer) = shop.call(method, path, token, body).await;
    assert!(
        status == 422 || status == 400,
        "{method} {path}: {status} {answer}"
    );
    assert!(
        answer["fields"][field].is_string(),
        "{method} {path} names {field}: {answer}"
    );
}

#[tokio::test]
async fn a_nul_byte_in_any_text_is_a_422_naming_the_field_and_writes_nothing() {
    let shop = spawn_shop().await;
    let admin = shop.admin();
    let (_, customer) = shop.customer(0).await;

    let register = |email: &str, name: &str| json!({"email": email, "password": "correct horse battery", "name": name});
    refused(
        &shop,
        "POST",
        "/api/auth/register",
        None,
        Some(register("nul@example.com", &format!("Da{NUL}na"))),
        "name",
    )
    .await;
    refused(
        &shop,
        "POST",
        "/api/auth/register",
        None,
        Some(register(&format!("n{NUL}ul@example.com"), "Dana")),
        "email",
    )
    .await;
    refused(
        &shop,
        "POST",
        "/api/auth/login",
        None,
        Some(json!({"email": format!("a{NUL}@example.com"), "password": "whatever-it-is"})),
        "email",
    )
    .await;

    let mut bad_address = address();
    bad_address["line1"] = json!(format!("1 Main{NUL} St"));
    refused(
        &shop,
        "POST",
        "/api/users/me/addresses",
        Some(&customer),
        Some(bad_address.clone()),
        "line1",
    )
    .await;

    let product = json!({"sku": "NUL-1", "name": format!("Mu{NUL}g"), "price_cents": 100, "category": "books", "stock_on_hand": 1});
    refused(
        &shop,
        "POST",
        "/api/products",
        Some(&admin),
        Some(product),
        "name",
    )
    .await;
    let product = json!({"sku": "NUL-2", "name": "Mug", "description": format!("a{NUL}"), "price_cents": 100, "category": "books"});
    refused(
        &shop,
        "POST",
        "/api/products",
        Some(&admin),
        Some(product),
        "description",
    )
    .await;
    refused(&shop, "GET", "/api/products?q=mu%00g", None, None, "q").await;
    refused(
        &shop,
        "GET",
        "/api/products?category=bo%00oks",
        None,
        None,
        "category",
    )
    .await;

    let id = shop.product(1000, 3).await;
    shop.add_to_cart(&customer, id, 1).await;
    let checkout = json!({"shipping_address": bad_address, "payment": card(GOOD_CARD)});
    let (status, answer) = shop.checkout(&customer, "nul-checkout", &checkout).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["fields"]["shipping_address.line1"].is_string(),
        "{answer}"
    );

    let rma = json!({"order_id": uuid::Uuid::now_v7(), "lines": [{"product_id": id, "quantity": 1}], "reason": format!("broken{NUL}")});
    refused(
        &shop,
        "POST",
        "/api/returns",
        Some(&customer),
        Some(rma),
        "reason",
    )
    .await;

    let (_, me) = shop
        .call("GET", "/api/users/me", Some(&customer), None)
        .await;
    let credit = json!({"amount_cents": 100, "reason": format!("gift{NUL}")});
    refused(
        &shop,
        "POST",
        &format!("/api/users/{}/wallet/credit", me["id"].as_str().unwrap()),
        Some(&admin),
        Some(credit),
        "reason",
    )
    .await;

    // Nothing was written: no order, no address, no product by those SKUs.
    let (_, orders) = shop.call("GET", "/api/orders", Some(&customer), None).await;
    assert_eq!(orders["total"], 0, "{orders}");
    let (_, addresses) = shop
        .call("GET", "/api/users/me/addresses", Some(&customer), None)
        .await;
    assert_eq!(addresses["total"], 0, "{addresses}");
    for sku in ["NUL-1", "NUL-2"] {
        let (status, _) = shop
            .call("GET", &format!("/api/products/{sku}"), None, None)
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn a_card_number_of_the_wrong_type_is_named_and_never_echoed() {
    let shop = spawn_shop().await;
    let (_, customer) = shop.shopper();
    let id = shop.product(1000, 3).await;
    shop.add_to_cart(&customer, id, 1).await;
    for payment in [
        json!({"type": "card", "card_number": 4111111111111111_u64, "exp_month": 12, "exp_year": 2031, "cvc": "123"}),
        json!({"type": "card", "card_number": "4111111111111111", "exp_month": 4111111111111111_u64, "exp_year": 2031, "cvc": "123"}),
        json!({"type": "4111111111111111"}),
    ] {
        let body = json!({"shipping_address": address(), "payment": payment});
        let response = shop
            .http
            .post(shop.url("/api/orders"))
            .bearer_auth(&customer)
            .header("idempotency-key", uuid::Uuid::now_v7().to_string())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let text = response.text().await.unwrap();
        assert!(!text.contains("4111111111111111"), "{text}");
        assert!(!text.contains("411111"), "{text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(answer["code"], "validation_failed");
        let fields = answer["fields"].as_object().unwrap();
        assert!(
            fields.keys().all(|field| field.starts_with("payment")),
            "the payment is named: {answer}"
        );
    }
}

/// serde reads a struct from an array of its fields; the documents say
/// every body is an object, so each service refuses an array with a 422 and
/// writes nothing.
#[tokio::test]
async fn a_body_that_is_an_array_of_the_fields_is_refused_by_every_service() {
    let shop = spawn_shop().await;
    let (_, token) = shop.customer(0).await;
    let product = shop.product(500, 5).await;

    for (path, token, body) in [
        (
            "/api/auth/register",
            None,
            json!(["eve@example.com", "correct horse battery", "Eve"]),
        ),
        (
            "/api/auth/login",
            None,
            json!(["eve@example.com", "correct horse battery"]),
        ),
        (
            "/api/users/me/addresses",
            Some(token.as_str()),
            json!(["Eve", "1 Main St", null, "Berlin", "10115", "DE"]),
        ),
        ("/api/cart/items", Some(token.as_str()), json!([product, 1])),
    ] {
        let (status, answer) = shop.call("POST", path, token, Some(body)).await;
        assert_eq!(status, 422, "POST {path}: {answer}");
        assert_eq!(answer["code"], "validation_failed", "{answer}");
    }
    let (status, _) = shop
        .call(
            "POST",
            "/api/auth/login",
            None,
            Some(json!({"email": "eve@example.com", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(status, 401, "no account was made");
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(cart["items"], json!([]), "{cart}");
    let (_, addresses) = shop
        .call("GET", "/api/users/me/addresses", Some(&token), None)
        .await;
    assert_eq!(addresses["total"], 0, "{addresses}");
}
