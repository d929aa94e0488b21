//! Wallets: atomic, never negative, exactly once per idempotency key.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::spawn_users;

#[tokio::test]
async fn a_hundred_concurrent_debits_of_ten_against_five_hundred_leave_exactly_zero() {
    // Enough connections and patience for a hundred requests at once.
    let app = spawn_users(&[
        ("DATABASE_POOL_SIZE", "10"),
        ("DATABASE_TIMEOUT_MS", "20000"),
        ("HTTP_WORKERS", "2"),
    ])
    .await;
    let (id, token) = app.customer("nora@example.com").await;
    let credit = app
        .http
        .post(app.url(&format!("/api/users/{id}/wallet/credit")))
        .bearer_auth(app.admin_token())
        .json(&json!({"amount_cents": 50_000, "reason": "top up"}))
        .send()
        .await
        .unwrap();
    assert_eq!(credit.status(), 201);

    let debits = (0..100).map(|i| {
        let path = format!("/internal/wallets/{id}/debit");
        let body = json!({"amount_cents": 1_000, "idempotency_key": format!("order-{i}"), "reason": "order"});
        let app = &app;
        async move { app.internal(&path, &body).await }
    });
    let responses = join_all(debits).await;

    let succeeded = responses.iter().filter(|r| r.status() == 200).count();
    let refused = responses.iter().filter(|r| r.status() == 409).count();
    assert_eq!(
        (succeeded, refused),
        (50, 50),
        "{:?}",
        responses.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 0);
}

#[tokio::test]
async fn a_replayed_debit_returns_the_same_result_and_debits_once() {
    let app = spawn_users(&[]).await;
    let (id, token) = app.customer("omar@example.com").await;
    app.internal(
        &format!("/internal/wallets/{id}/credit"),
        &json!({"amount_cents": 5_000, "idempotency_key": "seed-omar", "reason": "gift"}),
    )
    .await;
    let path = format!("/internal/wallets/{id}/debit");
    let body =
        json!({"amount_cents": 1_999, "idempotency_key": "payment-42", "reason": "order 42"});

    let first = app.internal(&path, &body).await;
    let second = app.internal(&path, &body).await;

    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first, second.json::<Value>().await.unwrap());
    assert_eq!(first["balance_cents"], 3_001);
    assert_eq!(first["amount_cents"], -1_999);
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 3_001);
    assert_eq!(
        wallet["entries"].as_array().unwrap().len(),
        2,
        "one credit, one debit"
    );

    let reused = app
        .internal(
            &path,
            &json!({"amount_cents": 5, "idempotency_key": "payment-42", "reason": "x"}),
        )
        .await;
    assert_eq!(reused.status(), 409);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );
}

#[tokio::test]
async fn concurrent_requests_with_one_key_debit_once() {
    let app = spawn_users(&[
        ("DATABASE_POOL_SIZE", "10"),
        ("DATABASE_TIMEOUT_MS", "20000"),
    ])
    .await;
    let (id, token) = app.customer("pia@example.com").await;
    app.internal(
        &format!("/internal/wallets/{id}/credit"),
        &json!({"amount_cents": 10_000, "idempotency_key": "seed-pia", "reason": "gift"}),
    )
    .await;
    let path = format!("/internal/wallets/{id}/debit");
    let body = json!({"amount_cents": 2_500, "idempotency_key": "same-key", "reason": "order"});

    let responses = join_all((0..20).map(|_| app.internal(&path, &body))).await;

    let mut entry_ids = Vec::new();
    for response in responses {
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        match status.as_u16() {
            200 => entry_ids.push(body["entry_id"].clone()),
            409 => assert_eq!(body["code"], "idempotency_key_in_flight", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(!entry_ids.is_empty());
    assert!(
        entry_ids.iter().all(|e| *e == entry_ids[0]),
        "one entry for every caller"
    );
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 7_500);
}

#[tokio::test]
async fn a_debit_beyond_the_balance_is_refused_and_changes_nothing() {
    let app = spawn_users(&[]).await;
    let (id, token) = app.customer("quinn@example.com").await;

    let response = app
        .internal(
            &format!("/internal/wallets/{id}/debit"),
            &json!({"amount_cents": 1, "idempotency_key": "k1", "reason": "order"}),
        )
        .await;

    assert_eq!(response.status(), 409);
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "insufficient_funds"
    );
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 0);
    assert_eq!(wallet["entries"], json!([]));
}

#[tokio::test]
async fn an_admin_credit_with_an_idempotency_key_credits_once() {
    let app = spawn_users(&[]).await;
    let (id, token) = app.customer("rui@example.com").await;
    let credit = || {
        app.http
            .post(app.url(&format!("/api/users/{id}/wallet/credit")))
            .bearer_auth(app.admin_token())
            .header("idempotency-key", "goodwill-1")
            .json(&json!({"amount_cents": 1_500, "reason": "goodwill"}))
            .send()
    };

    let first: Value = credit().await.unwrap().json().await.unwrap();
    let second: Value = credit().await.unwrap().json().await.unwrap();

    assert_eq!(first, second);
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 1_500);
    let bad = app
        .http
        .post(app.url(&format!("/api/users/{id}/wallet/credit")))
        .bearer_auth(app.admin_token())
        .json(&json!({"amount_cents": -5, "reason": "oops"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}
