//! Start-up, migrations and health.

use shop_kit::testing::{TestDatabase, assert_bad_database_url_stops_startup};

use crate::helpers::{spawn_app, spawn_app_on};

#[tokio::test]
async fn a_fresh_service_is_ready_with_postgres_up() {
    let app = spawn_app().await;
    app.assert_ready().await;
    assert_eq!(app.get("/health/live").await.status(), 200);
}

#[tokio::test]
async fn an_unreachable_database_makes_the_service_down() {
    let app = spawn_app().await;
    app.assert_down_without_database().await;
}

#[tokio::test]
async fn two_instances_starting_together_on_an_empty_database_both_come_up() {
    let db = TestDatabase::empty("catalogue").await;
    let same_db = db.handle();
    let (first, second) = tokio::join!(spawn_app_on(db), spawn_app_on(same_db));
    first.assert_ready().await;
    second.assert_ready().await;
}

#[test]
fn an_invalid_database_url_stops_start_up_naming_the_variable() {
    assert_bad_database_url_stops_startup(env!("CARGO_BIN_EXE_catalogue"));
}
