//! Login, tokens, roles and the internal guard.

use serde_json::{Value, json};
use shop_kit::testing::TestKeys;
use uuid::Uuid;

use crate::helpers::{PASSWORD, spawn_users};

#[tokio::test]
async fn login_gives_an_eddsa_token_that_me_accepts() {
    let app = spawn_users(&[]).await;
    let (id, token) = app.customer("hana@example.com").await;

    let response = app.login("HANA@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);

    let me = app.get_as("/api/users/me", &token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], id.to_string());
    assert_eq!(me["email"], "hana@example.com");

    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
    assert_eq!(jwks["keys"][0]["kid"], app.keys.kid());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_users(&[]).await;
    app.customer("ivan@example.com").await;

    let wrong = app.login("ivan@example.com", "not the password").await;
    let unknown = app.login("nobody@example.com", "not the password").await;

    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let mut wrong: Value = wrong.json().await.unwrap();
    let mut unknown: Value = unknown.json().await.unwrap();
    wrong.as_object_mut().unwrap().remove("request_id");
    unknown.as_object_mut().unwrap().remove("request_id");
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["code"], "invalid_credentials");
}

#[tokio::test]
async fn the_sixth_failed_login_in_the_window_is_429() {
    let app = spawn_users(&[]).await;
    app.customer("jo@example.com").await;

    for attempt in 1..=5 {
        assert_eq!(
            app.login("jo@example.com", "wrong password!")
                .await
                .status(),
            401,
            "attempt {attempt}"
        );
    }
    let sixth = app.login("jo@example.com", "wrong password!").await;

    assert_eq!(sixth.status(), 429);
    let retry_after: u64 = sixth.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(
        sixth.json::<Value>().await.unwrap()["code"],
        "too_many_attempts"
    );
    // Even the right password waits out the window.
    assert_eq!(app.login("jo@example.com", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn forged_expired_and_foreign_tokens_are_401() {
    let app = spawn_users(&[]).await;
    let (id, token) = app.customer("kim@example.com").await;
    let now = chrono::Utc::now().timestamp();

    let mut tampered = token.clone();
    let payload_start = tampered.find('.').unwrap() + 1;
    let flipped = if &tampered[payload_start..=payload_start] == "e" {
        "f"
    } else {
        "e"
    };
    tampered.replace_range(payload_start..=payload_start, flipped);

    let mut expired_claims = TestKeys::claims(id, "customer");
    expired_claims["exp"] = json!(now - 120);
    expired_claims["iat"] = json!(now - 1000);
    let expired = app.keys.sign(&expired_claims, &app.keys.kid());

    let other_key = TestKeys::generate();
    let wrong_key_same_kid = other_key.sign(&TestKeys::claims(id, "customer"), &app.keys.kid());
    let unknown_kid = other_key.sign(&TestKeys::claims(id, "customer"), &other_key.kid());
    let alg_none = TestKeys::unsigned(&TestKeys::claims(id, "admin"));
    let mut wrong_audience_claims = TestKeys::claims(id, "customer");
    wrong_audience_claims["aud"] = json!("someone-else");
    let wrong_audience = app.keys.sign(&wrong_audience_claims, &app.keys.kid());

    for (what, bad) in [
        ("tampered", tampered.as_str()),
        ("expired", &expired),
        ("wrong key", &wrong_key_same_kid),
        ("unknown kid", &unknown_kid),
        ("alg none", &alg_none),
        ("wrong audience", &wrong_audience),
        ("garbage", "not.a.token"),
    ] {
        let response = app.get_as("/api/users/me", bad).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["code"],
            "unauthorized",
            "{what}"
        );
    }
    assert_eq!(app.get("/api/users/me").await.status(), 401, "no token");
    assert_eq!(
        app.get_as("/api/users/me", &token).await.status(),
        200,
        "the real one still works"
    );
}

#[tokio::test]
async fn a_customer_on_an_admin_route_gets_403_and_an_admin_gets_through() {
    let app = spawn_users(&[]).await;
    let (other_id, token) = app.customer("lea@example.com").await;

    assert_eq!(app.get_as("/api/users", &token).await.status(), 403);
    assert_eq!(
        app.get_as(&format!("/api/users/{other_id}"), &token)
            .await
            .status(),
        403
    );

    let admin = app.admin_token();
    let list: Value = app.get_as("/api/users", &admin).await.json().await.unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["email"] == "lea@example.com")
    );
    assert_eq!(
        app.get_as(&format!("/api/users/{}", Uuid::now_v7()), &admin)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn internal_routes_need_the_internal_token() {
    let app = spawn_users(&[]).await;
    let (id, _) = app.customer("max@example.com").await;
    let path = format!("/internal/users/{id}");

    let none = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = app
        .http
        .get(app.url(&path))
        .header("x-internal-token", "wrong-token-wrong-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let right = app
        .http
        .get(app.url(&path))
        .header("x-internal-token", crate::helpers::INTERNAL_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn demo_data_seeds_customers_with_balances_and_the_admin() {
    let app = spawn_users(&[("SEED_DEMO_DATA", "true")]).await;

    let alice = app.token_for("alice@shop.local", "demo-password").await;
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 50_000);
    let bob = app.token_for("bob@shop.local", "demo-password").await;
    let wallet: Value = app
        .get_as("/api/users/me/wallet", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wallet["balance_cents"], 30_000);
    let admin = app
        .token_for("admin@shop.local", "admin-test-password")
        .await;
    assert_eq!(app.get_as("/api/users", &admin).await.status(), 200);
}
