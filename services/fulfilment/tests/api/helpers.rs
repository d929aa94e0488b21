//! Spawns the fulfilment service for a test, and the calls the tests share.

use std::path::Path;

use fulfilment::{config::Settings, db::MIGRATIONS, startup::build};
use serde_json::Value;
use shop_kit::testing::{TEST_INTERNAL_TOKEN, TestApp, TestDatabase};

/// The service on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The service on a fresh migrated database, with `extra` settings.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    TestApp::spawn("fulfilment", MIGRATIONS, migrations_dir(), extra, start).await
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("fulfilment", db, &[], start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

/// The folder of the service's migrations.
pub fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

/// A response's status and JSON body.
pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `POST path` with a bearer token (or the internal token when `None`).
pub async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let request = app.http.post(app.url(path)).json(body);
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request.header("x-internal-token", TEST_INTERNAL_TOKEN),
    };
    read(request.send().await.unwrap()).await
}

/// `GET path` with a bearer token, or with none.
pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let request = app.http.get(app.url(path));
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    read(request.send().await.unwrap()).await
}

/// A URL where nothing listens.
pub fn nowhere() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}
