//! Start-up, migrations, health, OpenAPI and metrics.

use crate::helpers::{spawn_app, spawn_app_on};

shop_kit::foundation_tests!(
    service = "catalogue",
    binary = env!("CARGO_BIN_EXE_catalogue"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
);
