//! Spawns the orders service alone, for its foundation tests.

use std::path::Path;

use orders::{config::Settings, db::MIGRATIONS, startup::build};
use shop_kit::testing::{TestApp, TestDatabase};

/// The service on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    TestApp::spawn("orders", MIGRATIONS, migrations_dir(), &[], start).await
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("orders", db, &[], start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}
