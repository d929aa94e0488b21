//! Spawns the fulfilment service for a test.

use std::path::Path;

use fulfilment::{config::Settings, db::MIGRATIONS, startup::build};
pub use shop_harness::*;
use shop_kit::testing::{TestApp, TestDatabase};

/// The service on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    TestApp::spawn("fulfilment", MIGRATIONS, migrations_dir(), &[], start).await
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("fulfilment", db, &[], start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}
