//! The test cards, checks before charging, exactly-once charging.

use futures_util::future::join_all;
use serde_json::{Value, json};
use uuid::Uuid;

use shop_harness::payments::{card, spawn_payments};

#[tokio::test]
async fn each_test_card_gives_its_documented_outcome() {
    let app = spawn_payments(None).await;
    let user = Uuid::now_v7();
    let cases = [
        ("4242424242424242", 201, "succeeded", None, 1),
        (
            "4000000000000002",
            201,
            "declined",
            Some("card_declined"),
            1,
        ),
        (
            "4000000000009995",
            201,
            "declined",
            Some("insufficient_funds"),
            1,
        ),
        // Fails transiently once, then succeeds: exactly one retry.
        ("4000000000000259", 201, "succeeded", None, 2),
        // Fails transiently every time: the first try and two retries.
        (
            "4000000000000119",
            201,
            "failed",
            Some("processor_unavailable"),
            3,
        ),
    ];
    for (number, http, status, code, attempts) in cases {
        let response = app.charge(Uuid::now_v7(), user, 1999, card(number)).await;
        assert_eq!(response.status(), http, "{number}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], status, "{number}: {body}");
        assert_eq!(body["decline_code"].as_str(), code, "{number}");
        assert_eq!(body["attempts"], attempts, "{number}");
        assert_eq!(body["card_last4"], &number[12..], "{number}");
        assert_eq!(body["card_brand"], "visa");
    }
}

#[tokio::test]
async fn a_bad_card_is_a_422_and_nothing_is_charged_or_stored() {
    let app = spawn_payments(None).await;
    let cases = [
        (
            json!({"type": "card", "card_number": "4242424242424241", "exp_month": 12, "exp_year": 2031, "cvc": "123"}),
            "card_number",
        ),
        (
            json!({"type": "card", "card_number": "4242424242424242", "exp_month": 1, "exp_year": 2020, "cvc": "123"}),
            "exp_year",
        ),
        (
            json!({"type": "card", "card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "1"}),
            "cvc",
        ),
    ];
    for (method, field) in cases {
        let order = Uuid::now_v7();
        let response = app.charge(order, Uuid::now_v7(), 1000, method).await;
        assert_eq!(response.status(), 422, "{field}");
        assert!(
            response.json::<Value>().await.unwrap()["fields"][field].is_string(),
            "{field}"
        );
        assert_eq!(
            app.payment_for(order).await.status(),
            404,
            "{field}: no payment row"
        );
    }
    assert_eq!(
        app.charge(Uuid::now_v7(), Uuid::now_v7(), 0, card("4242424242424242"))
            .await
            .status(),
        422
    );
    assert_eq!(app.metric("card_processor_calls_total").await, 0.0);
}

#[tokio::test]
async fn fifty_identical_concurrent_charges_make_one_charge_and_one_payment() {
    let app = spawn_payments(None).await;
    let (order, user) = (Uuid::now_v7(), Uuid::now_v7());

    let responses =
        join_all((0..50).map(|_| app.charge(order, user, 4_200, card("4242424242424242")))).await;

    let mut ids = Vec::new();
    let mut created = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => created += 1,
            200 => {}
            other => panic!("unexpected status {other}"),
        }
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "succeeded");
        ids.push(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "one caller made the payment, the others got it");
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "every caller got the same payment id"
    );
    assert_eq!(
        app.metric("card_processor_calls_total").await,
        1.0,
        "one charge reached the processor"
    );
    assert_eq!(app.metric("card_processor_captures_total").await, 1.0);
    let again = app
        .charge(order, user, 9_999, card("4242424242424242"))
        .await;
    assert_eq!(again.status(), 409, "the same order with another amount");
}

#[tokio::test]
async fn payments_are_seen_by_their_owner_and_admins_only() {
    let app = spawn_payments(None).await;
    let (owner, owner_token) = app.customer(0).await;
    let (_, stranger_token) = app.customer(0).await;
    let order = Uuid::now_v7();
    let payment: Value = app
        .charge(order, owner, 500, card("4242424242424242"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/payments/{}", payment["id"].as_str().unwrap());
    let admin = app.keys.sign(
        &shop_kit::testing::TestKeys::claims(Uuid::now_v7(), "admin"),
        &app.keys.kid(),
    );

    let get = |token: String| app.http.get(app.url(&path)).bearer_auth(token).send();
    assert_eq!(get(owner_token.clone()).await.unwrap().status(), 200);
    assert_eq!(get(stranger_token.clone()).await.unwrap().status(), 404);
    assert_eq!(get(admin).await.unwrap().status(), 200);
    let list: Value = app
        .http
        .get(app.url(&format!("/api/payments?order_id={order}")))
        .bearer_auth(&stranger_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    assert_eq!(app.get(&path).await.status(), 401);
}
