//! Returns with orders stood in for by an HTTP double: fulfilment answers a
//! return request from what `order.paid` told it, announces a received
//! return to orders exactly once, and takes orders' `return.refunded`.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestKeys, jwks_double};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::{nowhere, post, read, spawn_app_with};

/// The service, trusting `keys`, delivering its outbox to `orders_url`.
pub async fn spawn(keys: &TestKeys, orders_url: &str) -> (TestApp, MockServer) {
    let users = jwks_double(keys).await;
    let app = spawn_app_with(&[
        ("USERS_URL", &users.uri()),
        ("ORDERS_URL", orders_url),
        ("OUTBOX_POLL_MS", "100"),
        ("OUTBOX_BACKOFF_MS", "50"),
    ])
    .await;
    (app, users)
}

/// An orders double that takes `return.received` (202: still refunding).
async fn orders_double() -> MockServer {
    let orders = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/internal/returns"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({
            "id": Uuid::now_v7(), "order_id": Uuid::now_v7(), "cause": "return",
            "key": "rma:x", "amount_cents": 1200, "progress": "restocking",
            "created_at": "2026-11-23T10:00:00Z",
        })))
        .mount(&orders)
        .await;
    orders
}

/// A delivered order of two units of one product at 12.00, bought by
/// `buyer`: (order id, product id).
pub async fn delivered_order(app: &TestApp, admin: &str, buyer: Uuid) -> (Uuid, Uuid) {
    let (order_id, product_id) = (Uuid::now_v7(), Uuid::now_v7());
    let paid = json!({
        "event_id": Uuid::now_v7(), "order_id": order_id, "user_id": buyer,
        "lines": [{"product_id": product_id, "sku": "SKU-1", "name": "Thing",
                   "quantity": 2, "unit_price_cents": 1200, "line_total_cents": 2400}],
        "shipping_address": {"name": "Ada", "line1": "1 Road", "city": "London",
                             "postal_code": "SW1", "country": "GB"},
        "total_cents": 2400, "currency": "USD", "paid_at": "2026-11-23T10:00:00Z",
    });
    let (status, fulfilment) = post(app, "/internal/fulfilments", None, &paid).await;
    assert_eq!(status, 201, "{fulfilment}");
    let task = fulfilment["packing_task_id"].as_str().unwrap();
    let (status, packed) = post(
        app,
        &format!("/api/admin/packing-tasks/{task}/packed"),
        Some(admin),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{packed}");
    let shipment = packed["shipment"]["id"].as_str().unwrap();
    let (status, delivered) = post(
        app,
        &format!("/api/admin/shipments/{shipment}/delivered"),
        Some(admin),
        &Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{delivered}");
    (order_id, product_id)
}

/// An admin's token, and a new customer's id and token.
pub fn tokens(keys: &TestKeys) -> (String, Uuid, String) {
    let buyer = Uuid::now_v7();
    (
        keys.sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &keys.kid()),
        buyer,
        keys.sign(&TestKeys::claims(buyer, "customer"), &keys.kid()),
    )
}

#[tokio::test]
async fn a_return_of_an_order_fulfilment_never_heard_of_is_not_found() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (_, _, buyer) = tokens(&keys);

    let (status, body) = post(
        &app,
        "/api/returns",
        Some(&buyer),
        &json!({"order_id": Uuid::now_v7(),
                "lines": [{"product_id": Uuid::now_v7(), "quantity": 1}], "reason": "broken"}),
    )
    .await;

    assert_eq!(status, 404, "{body}");
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn a_return_received_three_times_at_once_is_announced_to_orders_once_and_refunded_once() {
    let keys = TestKeys::generate();
    let orders = orders_double().await;
    let (app, _users) = spawn(&keys, &orders.uri()).await;
    let (admin, buyer_id, buyer) = tokens(&keys);
    let (order_id, product_id) = delivered_order(&app, &admin, buyer_id).await;
    let (status, rma) = post(
        &app,
        "/api/returns",
        Some(&buyer),
        &json!({"order_id": order_id,
                "lines": [{"product_id": product_id, "quantity": 1}], "reason": "spare"}),
    )
    .await;
    assert_eq!(status, 201, "{rma}");
    let id = rma["id"].as_str().unwrap().to_owned();
    let receive = format!("/api/admin/returns/{id}/receive");

    // Orders takes the event but never answers `return.refunded`: each
    // receive waits its few seconds, then answers 202 with the return received.
    let answers = join_all((0..3).map(|_| post(&app, &receive, Some(&admin), &Value::Null))).await;
    for (status, body) in &answers {
        assert_eq!(*status, 202, "{body}");
        assert_eq!(body["status"], "received");
        assert_eq!(body["refunded"], false);
    }
    let announced: Vec<Value> = orders
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/internal/returns")
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(announced.len(), 1, "one return.received: {announced:?}");
    assert_eq!(announced[0]["return_id"], id.as_str());
    assert_eq!(announced[0]["number"], rma["number"]);
    assert_eq!(announced[0]["refund_cents"], 1200);
    assert_eq!(
        announced[0]["lines"],
        json!([{"product_id": product_id, "quantity": 1, "unit_price_cents": 1200}])
    );

    // Orders finished: `return.refunded`, delivered twice, moves it once.
    let refunded = json!({"event_id": Uuid::now_v7(), "return_id": id, "order_id": order_id,
                          "refund_cents": 1200, "credit_note_number": "CN-2026-000001"});
    let path = format!("/internal/returns/{id}/refunded");
    let (status, first) = post(&app, &path, None, &refunded).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["status"], "refunded");
    assert_eq!(first["restocked"], true);
    assert_eq!(first["refunded"], true);
    let (status, again) = post(&app, &path, None, &refunded).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["refunded_at"], first["refunded_at"],
        "a repeat changes nothing"
    );

    // Receiving a refunded return answers it at once, as it is.
    let started = Instant::now();
    let (status, received) = post(&app, &receive, Some(&admin), &Value::Null).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["status"], "refunded");
    assert!(started.elapsed() < Duration::from_secs(2));
    let (status, seen) = read(
        app.http
            .get(app.url(&format!("/api/returns/{id}")))
            .bearer_auth(&buyer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(seen["status"], "refunded");
}

#[tokio::test]
async fn return_refunded_names_a_mismatched_return_and_is_404_for_an_unknown_one() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let unknown = Uuid::now_v7();
    let event = |return_id: Uuid| {
        json!({"event_id": Uuid::now_v7(), "return_id": return_id, "order_id": Uuid::now_v7(),
               "refund_cents": 100, "credit_note_number": "CN-2026-000001"})
    };

    let (status, body) = post(
        &app,
        &format!("/internal/returns/{unknown}/refunded"),
        None,
        &event(unknown),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = post(
        &app,
        &format!("/internal/returns/{unknown}/refunded"),
        None,
        &event(Uuid::now_v7()),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["return_id"].is_string(), "{body}");
    let (status, _) = read(
        app.http
            .post(app.url(&format!("/internal/returns/{unknown}/refunded")))
            .json(&event(unknown))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "internal routes need the token");
}

#[tokio::test]
async fn a_return_received_while_orders_is_down_answers_202_and_says_why() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (admin, buyer_id, buyer) = tokens(&keys);
    let (order_id, product_id) = delivered_order(&app, &admin, buyer_id).await;
    let (_, rma) = post(
        &app,
        "/api/returns",
        Some(&buyer),
        &json!({"order_id": order_id,
                "lines": [{"product_id": product_id, "quantity": 2}], "reason": "spare"}),
    )
    .await;

    let (status, received) = post(
        &app,
        &format!("/api/admin/returns/{}/receive", rma["id"].as_str().unwrap()),
        Some(&admin),
        &Value::Null,
    )
    .await;

    assert_eq!(status, 202, "{received}");
    assert_eq!(received["status"], "received");
    assert!(
        received["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "the failed delivery to orders is shown: {received}"
    );
}
