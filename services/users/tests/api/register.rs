//! `POST /api/auth/register`.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use users::db::schema::users;

use crate::helpers::spawn_app;

async fn register(app: &shop_kit::testing::TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn registering_creates_an_account_with_an_argon2id_hash() {
    let app = spawn_app().await;

    let response = register(
        &app,
        json!({"email": " Dana@Example.com", "password": "correct horse battery", "name": "Dana"}),
    )
    .await;

    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], "dana@example.com");
    assert_eq!(body["role"], "customer");
    assert!(body.get("password_hash").is_none());
    assert_eq!(
        location,
        format!("/api/users/{}", body["id"].as_str().unwrap())
    );

    let mut conn = AsyncPgConnection::establish(app.db.url().as_str())
        .await
        .unwrap();
    let stored: String = users::table
        .filter(users::email.eq("dana@example.com"))
        .select(users::password_hash)
        .get_result(&mut conn)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("correct horse battery"));
}

#[tokio::test]
async fn a_taken_email_is_a_409_whatever_its_case() {
    let app = spawn_app().await;
    let first = register(
        &app,
        json!({"email": "erin@example.com", "password": "correct horse battery", "name": "Erin"}),
    )
    .await;
    assert_eq!(first.status(), 201);

    let second = register(
        &app,
        json!({"email": "ERIN@example.com", "password": "another long password", "name": "Erin 2"}),
    )
    .await;

    assert_eq!(second.status(), 409);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["code"], "already_exists");
    assert!(body["fields"]["email"].is_string(), "{body}");
}

#[tokio::test]
async fn a_weak_password_or_a_bad_email_is_a_422_naming_the_field_and_writes_nothing() {
    let app = spawn_app().await;

    let weak = register(
        &app,
        json!({"email": "finn@example.com", "password": "short", "name": "Finn"}),
    )
    .await;
    assert_eq!(weak.status(), 422);
    let body: Value = weak.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    assert!(body["fields"]["password"].is_string(), "{body}");
    assert!(body["fields"].get("email").is_none(), "{body}");

    let bad_email = register(
        &app,
        json!({"email": "finn-at-example", "password": "correct horse battery", "name": "Finn"}),
    )
    .await;
    assert_eq!(bad_email.status(), 422);
    let body: Value = bad_email.json().await.unwrap();
    assert!(body["fields"]["email"].is_string(), "{body}");

    let mut conn = AsyncPgConnection::establish(app.db.url().as_str())
        .await
        .unwrap();
    let count: i64 = users::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_malformed_body_is_a_clear_4xx() {
    let app = spawn_app().await;

    let missing_field = register(&app, json!({"email": "gus@example.com"})).await;
    assert_eq!(missing_field.status(), 422);

    let not_json = app
        .http
        .post(app.url("/api/auth/register"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        not_json.json::<Value>().await.unwrap()["code"],
        "invalid_json"
    );
}
