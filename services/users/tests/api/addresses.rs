//! The signed-in user's addresses: own only, validated.

use serde_json::{Value, json};

use crate::helpers::spawn_users;

fn address() -> Value {
    json!({"name": "Sam Doe", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "us"})
}

#[tokio::test]
async fn an_address_is_saved_listed_and_deleted() {
    let app = spawn_users(&[]).await;
    let (_, token) = app.customer("sam@example.com").await;

    let created = app
        .http
        .post(app.url("/api/users/me/addresses"))
        .bearer_auth(&token)
        .json(&address())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["country"], "US");

    let list: Value = app
        .get_as("/api/users/me/addresses", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let path = format!(
        "/api/users/me/addresses/{}",
        created["id"].as_str().unwrap()
    );
    assert_eq!(
        app.http
            .delete(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        app.http
            .delete(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn someone_elses_address_is_a_404() {
    let app = spawn_users(&[]).await;
    let (_, owner) = app.customer("tess@example.com").await;
    let (_, stranger) = app.customer("uma@example.com").await;
    let created: Value = app
        .http
        .post(app.url("/api/users/me/addresses"))
        .bearer_auth(&owner)
        .json(&address())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/users/me/addresses/{}",
        created["id"].as_str().unwrap()
    );

    let response = app
        .http
        .delete(app.url(&path))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    let list: Value = app
        .get_as("/api/users/me/addresses", &owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "still there");
    let theirs: Value = app
        .get_as("/api/users/me/addresses", &stranger)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn a_bad_address_is_a_422_naming_the_field() {
    let app = spawn_users(&[]).await;
    let (_, token) = app.customer("vic@example.com").await;
    let mut bad = address();
    bad["country"] = json!("USA");
    bad["city"] = json!("  ");

    let response = app
        .http
        .post(app.url("/api/users/me/addresses"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"]["country"].is_string() && body["fields"]["city"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn checkout_can_look_up_a_users_address_but_not_someone_elses() {
    let app = spawn_users(&[]).await;
    let (sam, token) = app.customer("sam@example.com").await;
    let (kim, _) = app.customer("kim@example.com").await;
    let created: Value = app
        .http
        .post(app.url("/api/users/me/addresses"))
        .bearer_auth(&token)
        .json(&address())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let lookup = |user: uuid::Uuid, token: Option<&'static str>| {
        let mut request = app
            .http
            .get(app.url(&format!("/internal/users/{user}/addresses/{id}")));
        if let Some(token) = token {
            request = request.header("x-internal-token", token);
        }
        request.send()
    };

    let own = lookup(sam, Some(crate::helpers::INTERNAL_TOKEN))
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    let own: Value = own.json().await.unwrap();
    assert_eq!(own["city"], "Springfield");
    assert_eq!(own["id"], created["id"]);
    let theirs = lookup(kim, Some(crate::helpers::INTERNAL_TOKEN))
        .await
        .unwrap();
    assert_eq!(theirs.status(), 404);
    let outsider = lookup(sam, None).await.unwrap();
    assert_eq!(outsider.status(), 401);
}
