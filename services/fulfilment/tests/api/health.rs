//! Start-up, migrations, health, OpenAPI and metrics.

use shop_kit::testing::TestApp;

use crate::helpers::{spawn_app, spawn_app_on};

shop_kit::foundation_tests!(
    service = "fulfilment",
    binary = env!("CARGO_BIN_EXE_fulfilment"),
    spawn = spawn_app,
    spawn_on = spawn_app_on,
    request = async |app: &TestApp| {
        app.get_internal(&format!("/internal/fulfilments/{}", uuid::Uuid::now_v7()))
            .await
    },
);

/// Fulfilment calls neither payments nor catalogue (orders gives money
/// back), so their URLs are not read: nonsense in them stops nothing.
#[tokio::test]
async fn fulfilment_starts_without_reading_catalogue_or_payments_urls() {
    let app = crate::helpers::spawn_app_with(&[
        ("CATALOGUE_URL", "not a url"),
        ("PAYMENTS_URL", "ftp://nowhere"),
    ])
    .await;
    app.assert_ready().await;
}
