//! HTTP revalidation: strong `ETag`s, `304` for a matching `If-None-Match`,
//! and never a shared-cacheable response with admin fields.

use serde_json::{Value, json};

use crate::helpers::{CatalogueApp, spawn_catalogue};

const ADMIN_FIELDS: [&str; 3] = ["stock_on_hand", "stock_reserved", "active"];

async fn get(
    app: &CatalogueApp,
    path: &str,
    token: Option<&str>,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app.http.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Every product in `body` (one, or a page's items) has no admin field.
fn assert_no_admin_fields(body: &Value) {
    let items = body["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![body.clone()]);
    for item in items {
        for field in ADMIN_FIELDS {
            assert!(
                item.get(field).is_none(),
                "{field} in a public response: {item}"
            );
        }
    }
}

#[tokio::test]
async fn a_matching_if_none_match_is_a_304_and_a_write_makes_it_a_200_again() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/api/products/{id}"),
        "/api/products?category=kitchen".to_owned(),
    ] {
        let first = get(&app, &path, None, None).await;
        assert_eq!(first.status(), 200);
        let etag = header(&first, "etag");
        assert!(
            etag.starts_with('"') && etag.ends_with('"'),
            "strong: {etag}"
        );
        assert_eq!(header(&first, "cache-control"), "public, no-cache");
        // From memory, Redis or Postgres: the same bytes, the same tag.
        for _ in 0..2 {
            let again = get(&app, &path, None, None).await;
            assert_eq!(header(&again, "etag"), etag);
        }

        for held in [
            etag.clone(),
            format!("W/{etag}"),
            format!("\"other\", {etag}"),
        ] {
            let not_modified = get(&app, &path, None, Some(&held)).await;
            assert_eq!(not_modified.status(), 304, "{path} with {held}");
            assert_eq!(header(&not_modified, "etag"), etag);
            assert_eq!(header(&not_modified, "cache-control"), "public, no-cache");
            assert!(not_modified.bytes().await.unwrap().is_empty());
        }
        let other = get(&app, &path, None, Some("\"not-it\"")).await;
        assert_eq!(other.status(), 200);
    }

    let product = format!("/api/products/{id}");
    let list = "/api/products?category=kitchen";
    let held_product = header(&get(&app, &product, None, None).await, "etag");
    let held_list = header(&get(&app, list, None, None).await, "etag");
    let response = app
        .send(
            "PATCH",
            &product,
            Some(&app.admin()),
            Some(json!({"name": "Big mug"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    for (path, held) in [(product.as_str(), held_product), (list, held_list)] {
        let changed = get(&app, path, None, Some(&held)).await;
        assert_eq!(changed.status(), 200, "{path} after the write");
        assert_ne!(header(&changed, "etag"), held);
        let body: Value = changed.json().await.unwrap();
        assert!(body.to_string().contains("Big mug"), "{body}");
    }
}

#[tokio::test]
async fn no_response_a_shared_cache_may_keep_carries_admin_fields() {
    let app = spawn_catalogue(&[]).await;
    app.category("kitchen").await;
    let id = app.product("MUG-1", "Mug", 1000, "kitchen", 10).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = format!("/api/products/{id}");
    let (admin, customer) = (app.admin(), app.customer());
    // In every order, so no cache level can hand one caller's view to another.
    for token in [
        Some(admin.as_str()),
        None,
        Some(customer.as_str()),
        Some(admin.as_str()),
        None,
    ] {
        for path in [
            product.as_str(),
            "/api/products/MUG-1",
            "/api/products?category=kitchen",
        ] {
            let response = get(&app, path, token, None).await;
            assert_eq!(response.status(), 200);
            let cache_control = header(&response, "cache-control");
            let is_admin = token == Some(admin.as_str());
            let body: Value = response.json().await.unwrap();
            if is_admin {
                assert_eq!(cache_control, "private, no-cache", "{path}");
                let product = body["items"].get(0).unwrap_or(&body);
                assert_eq!(product["stock_on_hand"], 10, "{body}");
            } else {
                assert_eq!(cache_control, "public, no-cache", "{path}");
                assert_no_admin_fields(&body);
            }
        }
    }
    // The admin's tag is not the shopper's: one never revalidates the other.
    for path in [product.as_str(), "/api/products?category=kitchen"] {
        let public = header(&get(&app, path, None, None).await, "etag");
        let private = get(&app, path, Some(&admin), Some(&public)).await;
        assert_eq!(private.status(), 200, "{path}");
        assert_eq!(header(&private, "vary"), "Authorization", "{path}");
        let held = header(&private, "etag");
        assert_ne!(held, public, "{path}");
        let again = get(&app, path, Some(&admin), Some(&held)).await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "cache-control"), "private, no-cache");
    }
}
