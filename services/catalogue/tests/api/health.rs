//! Start-up, migrations, health, OpenAPI and metrics.

use shop_kit::testing::TestApp;

use crate::helpers::{spawn_app, spawn_app_on};

shop_kit::foundation_tests!(
    service = "catalogue",
    binary = env!("CARGO_BIN_EXE_catalogue"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
    request = async |app: &TestApp| {
        // A search nobody made before misses the cache and asks the database.
        app.get(&format!(
            "/api/products?q={}",
            uuid::Uuid::now_v7().simple()
        ))
        .await
    },
);
