//! Start-up, migrations, health, OpenAPI and metrics.

use shop_kit::testing::TestApp;

use crate::helpers::{spawn_app, spawn_app_on};

/// A lookup by a service that may call internal routes.
async fn internal_get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("x-internal-token", "test-internal-token-0123456789")
        .send()
        .await
        .unwrap()
}

shop_kit::foundation_tests!(
    service = "fulfilment",
    binary = env!("CARGO_BIN_EXE_fulfilment"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
    request = async |app: &TestApp| {
        internal_get(
            app,
            &format!("/internal/fulfilments/{}", uuid::Uuid::now_v7()),
        )
        .await
    },
);
