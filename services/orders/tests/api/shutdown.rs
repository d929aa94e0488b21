//! SIGTERM while the outbox relay and the recovery worker are busy: the real
//! orders binary stops taking work, finishes what it holds, and exits within
//! `SHUTDOWN_TIMEOUT_SECS`; what the timeout cut off is done after the next
//! start, once.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use chrono::Utc;
use diesel_async::{AsyncConnection as _, AsyncPgConnection};
use orders::db::{
    MIGRATIONS,
    models::{order::Order, order_line::OrderLineRow},
};
use serde_json::json;
use shop_client::wire::{events::EventType, orders::OrderStatus, payments::PaymentKind};
use shop_kit::{
    outbox::{OutboxEvent, OutboxStatus},
    testing::{TEST_INTERNAL_TOKEN, TestDatabase},
};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

/// The doubles orders talks to: fulfilment answers `order.paid` after
/// `delivery`, payments answers "no payment" after `lookup`.
struct Doubles {
    fulfilment: MockServer,
    payments: MockServer,
    catalogue: MockServer,
}

async fn doubles(delivery: Duration, lookup: Duration) -> Doubles {
    let fulfilment = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/internal/fulfilments"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_delay(delivery)
                .set_body_json(
                    json!({"order_id": Uuid::nil(), "packing_task_id": null, "status": "pending"}),
                ),
        )
        .mount(&fulfilment)
        .await;
    let payments = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/internal/payments"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_delay(lookup)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(json!({"type": "urn:shop:problem:not_found", "title": "Not found", "status": 404, "code": "not_found"})),
        )
        .mount(&payments)
        .await;
    let catalogue = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(json!({"type": "urn:shop:problem:not_found", "title": "Not found", "status": 404, "code": "not_found"})),
        )
        .mount(&catalogue)
        .await;
    Doubles {
        fulfilment,
        payments,
        catalogue,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running orders binary; killed if the test ends before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The orders binary on `db`, in front of `doubles`, stopping within `shutdown`.
fn start_orders(db: &TestDatabase, doubles: &Doubles, shutdown_secs: u64) -> Running {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_orders"))
        .env("DATABASE_URL", db.url().as_str())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("HTTP_WORKERS", "1")
        .env("INTERNAL_API_TOKEN", TEST_INTERNAL_TOKEN)
        .env("FULFILMENT_URL", doubles.fulfilment.uri())
        .env("PAYMENTS_URL", doubles.payments.uri())
        .env("CATALOGUE_URL", doubles.catalogue.uri())
        .env("USERS_URL", doubles.catalogue.uri())
        .env("SHUTDOWN_TIMEOUT_SECS", shutdown_secs.to_string())
        .env("OUTBOX_POLL_MS", "100")
        .env("ORDER_RECOVERY_INTERVAL_MS", "100")
        .env("ORDER_RECOVERY_AFTER_SECS", "1")
        .env("LOG_FORMAT", "pretty")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the orders binary starts");
    Running(child)
}

/// What a test staged: a paid order's `order.paid` waiting in the outbox,
/// and a card checkout a crash left `reserved` an hour ago (for recovery).
struct Staged {
    event_id: Uuid,
    paid_order: Uuid,
    stuck: Uuid,
}

async fn stage(db: &TestDatabase) -> Staged {
    let mut conn = AsyncPgConnection::establish(db.url().as_str())
        .await
        .unwrap();
    let event_id = Uuid::now_v7();
    let order_id = Uuid::now_v7();
    OutboxEvent::insert(
        &mut conn,
        OutboxEvent::new(
            event_id,
            EventType::OrderPaid,
            order_id,
            json!({"event_id": event_id, "order_id": order_id, "user_id": Uuid::now_v7(), "lines": [],
                   "shipping_address": {"name": "A", "line1": "1 St", "city": "C", "postal_code": "1", "country": "GB"},
                   "total_cents": 100, "currency": "USD", "paid_at": Utc::now()}),
        ),
    )
    .await
    .unwrap();
    let stuck = Uuid::now_v7();
    let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
    Order::insert(
        &mut conn,
        &Order {
            id: stuck,
            user_id: Uuid::now_v7(),
            status: OrderStatus::Reserved,
            total_cents: 100,
            refunded_cents: 0,
            currency: "USD".to_owned(),
            payment_method: PaymentKind::Card,
            payment_id: None,
            failure_code: None,
            shipping_address: json!({"name": "A", "line1": "1 St", "city": "C", "postal_code": "1", "country": "GB"}),
            lease_until: None,
            delivered_at: None,
            created_at: an_hour_ago,
            updated_at: an_hour_ago,
        },
        &[OrderLineRow {
            order_id: stuck,
            product_id: Uuid::now_v7(),
            sku: "SKU-1".to_owned(),
            name: "Thing".to_owned(),
            quantity: 1,
            unit_price_cents: 100,
        }],
    )
    .await
    .unwrap();
    Staged {
        event_id,
        paid_order: order_id,
        stuck,
    }
}

/// The staged `order.paid` event as the outbox holds it now.
async fn outbox_row(db: &TestDatabase, staged: &Staged) -> OutboxEvent {
    let mut conn = AsyncPgConnection::establish(db.url().as_str())
        .await
        .unwrap();
    OutboxEvent::for_aggregate(&mut conn, staged.paid_order)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == staged.event_id)
        .unwrap()
}

async fn order_status(db: &TestDatabase, id: Uuid) -> OrderStatus {
    let mut conn = AsyncPgConnection::establish(db.url().as_str())
        .await
        .unwrap();
    Order::find(&mut conn, id).await.unwrap().unwrap().status
}

/// Waits until `server` has been asked `path` (10 s at most).
async fn until_asked(server: &MockServer, wanted: &str) {
    for _ in 0..200 {
        let asked = server.received_requests().await.unwrap_or_default();
        if asked.iter().any(|r| r.url.path() == wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{wanted} was never asked");
}

/// Sends SIGTERM and waits for the exit: how long it took, and whether it succeeded.
fn terminate(running: &mut Running) -> (Duration, bool) {
    let child = &mut running.0;
    let started = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (started.elapsed(), status.success());
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "orders did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn deliveries_of(requests: &[wiremock::Request], event_id: Uuid) -> usize {
    requests
        .iter()
        .filter(|r| r.url.path() == "/internal/fulfilments")
        .filter(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body)
                .is_ok_and(|body| body["event_id"] == json!(event_id))
        })
        .count()
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

#[tokio::test]
async fn sigterm_lets_busy_workers_finish_what_they_hold_and_exits_within_the_timeout() {
    let db = TestDatabase::migrated("orders", MIGRATIONS, migrations_dir()).await;
    let staged = stage(&db).await;
    let doubles = doubles(Duration::from_millis(800), Duration::from_millis(800)).await;
    let mut orders = start_orders(&db, &doubles, 5);
    until_asked(&doubles.fulfilment, "/internal/fulfilments").await;
    until_asked(&doubles.payments, "/internal/payments").await;

    let (took, clean) = terminate(&mut orders);

    assert!(clean, "orders exits successfully");
    assert!(
        took < Duration::from_secs(5),
        "within the shutdown timeout: {took:?}"
    );
    let delivered = outbox_row(&db, &staged).await;
    assert_eq!(
        delivered.status,
        OutboxStatus::Delivered,
        "the delivery in hand was finished and recorded"
    );
    assert_eq!(delivered.attempts, 1);
    assert_eq!(
        order_status(&db, staged.stuck).await,
        OrderStatus::Failed,
        "the recovery in hand was finished: no payment, so the order was released"
    );

    // Started again, nothing is done twice.
    let mut again = start_orders(&db, &doubles, 5);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, clean) = terminate(&mut again);
    assert!(clean);
    let asked = doubles.fulfilment.received_requests().await.unwrap();
    assert_eq!(
        deliveries_of(&asked, staged.event_id),
        1,
        "delivered exactly once"
    );
}

#[tokio::test]
async fn a_delivery_cut_off_by_the_shutdown_timeout_is_delivered_once_after_the_restart() {
    let db = TestDatabase::migrated("orders", MIGRATIONS, migrations_dir()).await;
    let staged = stage(&db).await;
    let slow = doubles(Duration::from_secs(20), Duration::from_millis(10)).await;
    let mut orders = start_orders(&db, &slow, 1);
    until_asked(&slow.fulfilment, "/internal/fulfilments").await;

    let (took, _) = terminate(&mut orders);

    assert!(
        took < Duration::from_millis(2500),
        "it does not wait for the slow receiver past SHUTDOWN_TIMEOUT_SECS=1: {took:?}"
    );
    assert_eq!(
        outbox_row(&db, &staged).await.status,
        OutboxStatus::Pending,
        "the cut-off delivery was not recorded: it is still owed"
    );

    let fast = doubles(Duration::ZERO, Duration::ZERO).await;
    let mut again = start_orders(&db, &fast, 1);
    let mut delivered = outbox_row(&db, &staged).await;
    for _ in 0..100 {
        if delivered.status == OutboxStatus::Delivered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        delivered = outbox_row(&db, &staged).await;
    }
    let (_, clean) = terminate(&mut again);
    assert!(clean);
    assert_eq!(delivered.status, OutboxStatus::Delivered);
    let asked = fast.fulfilment.received_requests().await.unwrap();
    assert_eq!(
        deliveries_of(&asked, staged.event_id),
        1,
        "delivered once after the restart"
    );
}
