//! `GET /api/categories`.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn categories_are_listed_by_name_in_a_page() {
    let app = spawn_app().await;
    let response = app.get("/api/categories").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["items"], serde_json::json!([]));
    assert_eq!(body["total"], 0);
    assert_eq!(body["limit"], 20);
    assert_eq!(body["offset"], 0);
}

#[tokio::test]
async fn a_page_size_above_the_maximum_is_a_validation_error() {
    let app = spawn_app().await;
    let response = app.get("/api/categories?limit=1000").await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "validation_failed");
    assert!(body["fields"]["limit"].is_string());
    assert!(body["request_id"].is_string());
}

#[tokio::test]
async fn an_unknown_route_is_a_problem_json_404() {
    let app = spawn_app().await;
    let response = app.get("/api/nothing-here").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn a_category_is_created_from_an_object_only() {
    let app = crate::helpers::spawn_catalogue(&[]).await;
    let admin = app.admin();
    let array = app
        .send(
            "POST",
            "/api/categories",
            Some(&admin),
            Some(serde_json::json!(["books", "Books"])),
        )
        .await;
    assert_eq!(array.status(), 422);
    let padded = app
        .send(
            "POST",
            "/api/categories",
            Some(&admin),
            Some(serde_json::json!({"slug": "  Home-Office ", "name": " Home office "})),
        )
        .await;
    assert_eq!(padded.status(), 201);
    assert_eq!(padded.headers()["location"], "/api/categories/home-office");
    let body: Value = padded.json().await.unwrap();
    assert_eq!(
        (body["slug"].as_str(), body["name"].as_str()),
        (Some("home-office"), Some("Home office"))
    );
}
