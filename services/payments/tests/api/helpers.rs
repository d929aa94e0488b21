//! Spawns payments for its foundation tests (the tests with a real users
//! service live in the whole-shop harness, integration_tests/harness).

use std::path::Path;

use payments::{config::Settings, db::MIGRATIONS, startup::build};
use shop_kit::testing::{TestApp, TestDatabase};

/// Payments on a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    TestApp::spawn(
        "payments",
        MIGRATIONS,
        migrations_dir(),
        &[("CARD_RETRY_BASE_MS", "5")],
        start,
    )
    .await
}

/// Payments on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("payments", db, &[], start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}
