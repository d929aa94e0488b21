//! Start-up, migrations, health, OpenAPI and metrics.

use shop_kit::testing::TestApp;

use crate::helpers::{spawn_app, spawn_app_on};

shop_kit::foundation_tests!(
    service = "users",
    binary = env!("CARGO_BIN_EXE_users"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
    request = async |app: &TestApp| {
        // A sign-in looks the email up in the database.
        app.http
            .post(app.url("/api/auth/login"))
            .json(
                &serde_json::json!({"email": "nobody@example.com", "password": "not-the-password"}),
            )
            .send()
            .await
            .unwrap()
    },
);
