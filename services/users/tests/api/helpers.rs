//! Spawns the users service for a test.

use std::path::Path;

use shop_kit::testing::{TestApp, TestDatabase};
use users::{config::Settings, db::MIGRATIONS, startup::build};

/// The service on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    TestApp::spawn("users", MIGRATIONS, migrations_dir(), &[], start).await
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("users", db, &[], start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}
