//! Login input and the password hashers' limits, as a client meets them.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, spawn_users};

#[tokio::test]
async fn a_login_email_with_a_nul_byte_is_a_422_naming_the_email() {
    let app = spawn_users(&[]).await;

    let response = app
        .post(
            "/api/auth/login",
            &json!({"email": "ali\u{0000}ce@example.com", "password": PASSWORD}),
        )
        .await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    assert!(body["fields"]["email"].is_string(), "{body}");
}

#[tokio::test]
async fn a_login_email_that_is_not_an_email_is_a_422_and_a_valid_one_still_signs_in() {
    let app = spawn_users(&[]).await;
    app.customer("wren@example.com").await;

    let bad = app.login("not an email", PASSWORD).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.json::<Value>().await.unwrap()["fields"]["email"].is_string());
    assert_eq!(
        app.login("  WREN@example.com ", PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn with_every_hasher_busy_a_sign_up_is_a_503_with_retry_after_and_creates_nothing() {
    // One hasher and no patience: every sign-up that finds it busy is refused.
    let app = spawn_users(&[("PASSWORD_HASHERS", "1"), ("PASSWORD_HASH_WAIT_MS", "0")]).await;

    let responses = join_all((0..8).map(|i| {
        let body =
            json!({"email": format!("rush-{i}@example.com"), "password": PASSWORD, "name": "Rush"});
        let app = &app;
        async move { app.post("/api/auth/register", &body).await }
    }))
    .await;

    let mut created = 0;
    let mut busy = 0;
    for response in responses {
        match response.status().as_u16() {
            201 => created += 1,
            503 => {
                assert_eq!(response.headers()["retry-after"], "1");
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["code"], "busy", "{body}");
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(created >= 1 && busy >= 1, "{created} created, {busy} busy");
    let list: Value = app
        .get_as("/api/users?limit=100", &app.admin_token())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["total"], created,
        "a refused sign-up leaves no account"
    );
}
