//! Wallet payments through the real users service, and refunds.

use serde_json::Value;
use uuid::Uuid;

use shop_harness::payments::{card, spawn_payments};

fn wallet() -> Value {
    serde_json::json!({"type": "wallet"})
}

#[tokio::test]
async fn a_wallet_payment_takes_exactly_the_amount() {
    let app = spawn_payments(None).await;
    let (user, token) = app.customer(50_000).await;

    let response = app.charge(Uuid::now_v7(), user, 29_999, wallet()).await;

    assert_eq!(response.status(), 201);
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        "succeeded"
    );
    assert_eq!(app.balance(&token).await, 20_001);
}

#[tokio::test]
async fn an_insufficient_wallet_is_declined_and_not_debited() {
    let app = spawn_payments(None).await;
    let (user, token) = app.customer(1_000).await;

    let response = app.charge(Uuid::now_v7(), user, 1_001, wallet()).await;

    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["decline_code"].as_str()),
        (Some("declined"), Some("insufficient_funds"))
    );
    assert_eq!(app.balance(&token).await, 1_000);
}

#[tokio::test]
async fn with_users_unreachable_a_wallet_payment_fails_with_its_record_and_no_debit() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_payments(Some(&format!("http://127.0.0.1:{closed}"))).await;
    let (user, token) = app.customer(5_000).await;
    let order = Uuid::now_v7();

    let response = app.charge(order, user, 2_000, wallet()).await;

    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["decline_code"].as_str()),
        (Some("failed"), Some("wallet_unavailable"))
    );
    let record: Value = app.payment_for(order).await.json().await.unwrap();
    assert_eq!(record["id"], body["id"], "the attempt is on record");
    assert_eq!(app.balance(&token).await, 5_000, "nothing was debited");
}

#[tokio::test]
async fn a_partial_refund_then_the_rest_refunds_the_wallet_exactly() {
    let app = spawn_payments(None).await;
    let (user, token) = app.customer(10_000).await;
    let payment: Value = app
        .charge(Uuid::now_v7(), user, 6_000, wallet())
        .await
        .json()
        .await
        .unwrap();
    let id = payment["id"].as_str().unwrap();
    assert_eq!(app.balance(&token).await, 4_000);

    let first = app.refund(id, 2_500, "rma-1").await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let replay = app.refund(id, 2_500, "rma-1").await;
    assert_eq!(replay.status(), 200);
    assert_eq!(
        replay.json::<Value>().await.unwrap()["id"],
        first["id"],
        "the same refund"
    );
    assert_eq!(app.balance(&token).await, 6_500, "credited once");
    let after_first: Value = app
        .payment_for(payment["order_id"].as_str().unwrap().parse().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            after_first["status"].as_str(),
            after_first["refunded_cents"].as_i64()
        ),
        (Some("partially_refunded"), Some(2_500))
    );

    let over = app.refund(id, 3_501, "rma-2").await;
    assert_eq!(over.status(), 422);
    assert_eq!(
        over.json::<Value>().await.unwrap()["code"],
        "refund_exceeds_payment"
    );
    assert_eq!(app.refund(id, 3_500, "rma-3").await.status(), 201);
    assert_eq!(app.balance(&token).await, 10_000);
    let done: Value = app
        .payment_for(payment["order_id"].as_str().unwrap().parse().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (done["status"].as_str(), done["refunded_cents"].as_i64()),
        (Some("refunded"), Some(6_000))
    );
    assert_eq!(
        app.refund(id, 1, "rma-4").await.status(),
        422,
        "nothing left"
    );
    assert_eq!(
        app.refund(id, 100, "rma-1").await.status(),
        409,
        "a key reused for another amount"
    );
}

#[tokio::test]
async fn a_card_payment_can_be_refunded_but_a_declined_one_cannot() {
    let app = spawn_payments(None).await;
    let paid: Value = app
        .charge(
            Uuid::now_v7(),
            Uuid::now_v7(),
            3_000,
            card("4242424242424242"),
        )
        .await
        .json()
        .await
        .unwrap();
    let declined: Value = app
        .charge(
            Uuid::now_v7(),
            Uuid::now_v7(),
            3_000,
            card("4000000000000002"),
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        app.refund(paid["id"].as_str().unwrap(), 3_000, "k1")
            .await
            .status(),
        201
    );
    assert_eq!(
        app.refund(declined["id"].as_str().unwrap(), 100, "k2")
            .await
            .status(),
        409
    );
    assert_eq!(
        app.refund(&Uuid::now_v7().to_string(), 100, "k3")
            .await
            .status(),
        404
    );
}
