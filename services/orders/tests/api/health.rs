//! Start-up, migrations, health, OpenAPI and metrics.

use shop_kit::testing::TestApp;

use crate::helpers::{spawn_app, spawn_app_on};

shop_kit::foundation_tests!(
    service = "orders",
    binary = env!("CARGO_BIN_EXE_orders"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
    request = async |app: &TestApp| {
        app.get_internal(&format!("/internal/orders/{}", uuid::Uuid::now_v7()))
            .await
    },
);
