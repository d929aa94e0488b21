//! From payment to the customer's door and back, through the gateway with
//! every service real: packing, the courier, delivery, a return, refunds.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    GOOD_CARD, Shop, ShopOptions, card, checkout_body, spawn_shop, spawn_shop_with,
};

/// A paid order: (order, product ids, buyer token).
pub async fn paid_order(
    shop: &Shop,
    token: &str,
    payment: Value,
    lines: &[(i64, i32)],
) -> (Value, Vec<Uuid>) {
    let mut products = Vec::new();
    for (price, quantity) in lines {
        let product = shop.product(*price, 20).await;
        shop.add_to_cart(token, product, *quantity).await;
        products.push(product);
    }
    let (status, order) = shop
        .checkout(token, &Uuid::now_v7().to_string(), &checkout_body(payment))
        .await;
    assert_eq!(status, 201, "{order}");
    (order, products)
}

/// The order's packing task from the admin list.
pub async fn task_of(shop: &Shop, order_id: &str) -> Value {
    for _ in 0..200 {
        let (status, page) = shop
            .call(
                "GET",
                "/api/admin/packing-tasks?limit=100",
                Some(&shop.admin()),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        if let Some(task) = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["order_id"] == order_id)
        {
            return task.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no packing task for {order_id}");
}

/// Packs, ships and delivers the order; returns the shipment.
pub async fn deliver(shop: &Shop, order_id: &str) -> Value {
    let admin = shop.admin();
    let task = task_of(shop, order_id).await;
    let (status, packed) = shop
        .call(
            "POST",
            &format!(
                "/api/admin/packing-tasks/{}/packed",
                task["id"].as_str().unwrap()
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{packed}");
    let shipment = packed["shipment"].clone();
    let (status, delivered) = shop
        .call(
            "POST",
            &format!(
                "/api/admin/shipments/{}/delivered",
                shipment["id"].as_str().unwrap()
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{delivered}");
    shop.wait_for_status(order_id, &["delivered"]).await;
    delivered
}

#[tokio::test]
async fn a_paid_order_is_packed_shipped_delivered_returned_and_refunded() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (order, products) =
        paid_order(&shop, &token, card(GOOD_CARD), &[(1500, 2), (700, 1)]).await;
    let id = order["id"].as_str().unwrap();
    let admin = shop.admin();

    // The packing task appears, pending, in the admin list filtered by status.
    let task = task_of(&shop, id).await;
    assert_eq!(task["status"], "pending");
    assert_eq!(task["lines"].as_array().unwrap().len(), 2);
    let (_, pending) = shop
        .call(
            "GET",
            "/api/admin/packing-tasks?status=pending",
            Some(&admin),
            None,
        )
        .await;
    assert!(
        pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task["id"])
    );
    let (status, _) = shop
        .call("GET", "/api/admin/packing-tasks", Some(&token), None)
        .await;
    assert_eq!(status, 403, "staff only");

    // Packed: the courier is booked, a shipment with a tracking number exists.
    let (status, packed) = shop
        .call(
            "POST",
            &format!(
                "/api/admin/packing-tasks/{}/packed",
                task["id"].as_str().unwrap()
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{packed}");
    assert_eq!(packed["status"], "shipped");
    let shipment = &packed["shipment"];
    assert_eq!(shipment["status"], "booked");
    let tracking = shipment["tracking_number"].as_str().unwrap();
    assert!(
        tracking.starts_with("MC") && tracking.len() == 14,
        "{tracking}"
    );
    shop.wait_for_status(id, &["shipped"]).await;
    let (status, mine) = shop
        .call(
            "GET",
            &format!("/api/orders/{id}/shipment"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["tracking_number"], tracking);
    let (_, stranger) = shop.shopper();
    let (status, _) = shop
        .call(
            "GET",
            &format!("/api/orders/{id}/shipment"),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // In transit, then delivered: the order is delivered.
    let shipment_id = shipment["id"].as_str().unwrap();
    let (status, moving) = shop
        .call(
            "POST",
            &format!("/api/admin/shipments/{shipment_id}/in-transit"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(moving["status"], "in_transit");
    let (status, delivered) = shop
        .call(
            "POST",
            &format!("/api/admin/shipments/{shipment_id}/delivered"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(delivered["status"], "delivered");
    let order = shop.wait_for_status(id, &["delivered"]).await;
    assert!(order["delivered_at"].is_string());

    // A return of one of the two 15.00 units.
    let stock_before = shop.stock(products[0]).await;
    let (status, rma) = shop
        .call(
            "POST",
            "/api/returns",
            Some(&token),
            Some(json!({"order_id": id, "lines": [{"product_id": products[0], "quantity": 1}], "reason": "too big"})),
        )
        .await;
    assert_eq!(status, 201, "{rma}");
    assert!(rma["number"].as_str().unwrap().starts_with("RMA-"), "{rma}");
    assert_eq!(rma["status"], "requested");
    assert_eq!(rma["refund_cents"], 1500);
    let rma_id = rma["id"].as_str().unwrap();
    let (status, seen) = shop
        .call("GET", &format!("/api/returns/{rma_id}"), Some(&token), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(seen["number"], rma["number"]);

    let (status, received) = shop
        .call(
            "POST",
            &format!("/api/admin/returns/{rma_id}/receive"),
            Some(&admin),
            None,
        )
        .await;

    assert_eq!(status, 200, "{received}");
    assert_eq!(received["status"], "refunded");
    assert_eq!(
        shop.stock(products[0]).await,
        (stock_before.0 + 1, 0),
        "restocked by one"
    );
    let payment = shop.payment_of(id).await.unwrap();
    assert_eq!(payment["refunded_cents"], 1500);
    let order = shop.wait_for_status(id, &["partially_refunded"]).await;
    assert_eq!(order["refunded_cents"], 1500);
    let (_, invoice) = shop
        .call(
            "GET",
            &format!("/api/orders/{id}/invoice"),
            Some(&token),
            None,
        )
        .await;
    let notes = invoice["credit_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invoice}");
    assert_eq!(notes[0]["amount_cents"], 1500);
    assert!(notes[0]["number"].as_str().unwrap().starts_with("CN-"));
}

#[tokio::test]
async fn returning_everything_from_a_wallet_order_refunds_the_wallet_and_the_order() {
    let shop = spawn_shop().await;
    let (_, token) = shop.customer(10_000).await;
    let (order, products) =
        paid_order(&shop, &token, json!({"type": "wallet"}), &[(2500, 2)]).await;
    let id = order["id"].as_str().unwrap();
    deliver(&shop, id).await;
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 5_000);

    let (status, rma) = shop
        .call("POST", "/api/returns", Some(&token),
              Some(json!({"order_id": id, "lines": [{"product_id": products[0], "quantity": 2}], "reason": "changed my mind"})))
        .await;
    assert_eq!(status, 201, "{rma}");
    let (status, received) = shop
        .call(
            "POST",
            &format!("/api/admin/returns/{}/receive", rma["id"].as_str().unwrap()),
            Some(&shop.admin()),
            None,
        )
        .await;

    assert_eq!(status, 200, "{received}");
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(
        wallet["balance_cents"], 10_000,
        "the wallet has its money back"
    );
    let order = shop.wait_for_status(id, &["refunded"]).await;
    assert_eq!(order["refunded_cents"], 5000);
    let (status, again) = shop
        .call("POST", "/api/returns", Some(&token),
              Some(json!({"order_id": id, "lines": [{"product_id": products[0], "quantity": 1}], "reason": "again"})))
        .await;
    assert_eq!(status, 422, "nothing is left to return: {again}");
}

#[tokio::test]
async fn a_refused_courier_booking_is_shown_retried_and_books_exactly_once() {
    let shop = spawn_shop_with(ShopOptions {
        fulfilment_env: vec![
            ("COURIER_FAIL_FIRST", "2".to_owned()),
            ("FULFILMENT_RETRY_BASE_MS", "200".to_owned()),
        ],
        ..ShopOptions::default()
    })
    .await;
    let (_, token) = shop.shopper();
    let (order, _) = paid_order(&shop, &token, card(GOOD_CARD), &[(1000, 1)]).await;
    let id = order["id"].as_str().unwrap();
    let task = task_of(&shop, id).await;
    let path = format!("/api/admin/packing-tasks/{}", task["id"].as_str().unwrap());

    let (status, packed) = shop
        .call("POST", &format!("{path}/packed"), Some(&shop.admin()), None)
        .await;

    assert_eq!(status, 202, "{packed}");
    assert_eq!(packed["status"], "packed", "packed, not shipped");
    assert!(
        packed["courier_error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{packed}"
    );
    let (_, packed_list) = shop
        .call(
            "GET",
            "/api/admin/packing-tasks?status=packed",
            Some(&shop.admin()),
            None,
        )
        .await;
    assert!(
        packed_list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == task["id"])
    );
    let mut shipped = Value::Null;
    for _ in 0..100 {
        let (_, now) = shop.call("GET", &path, Some(&shop.admin()), None).await;
        if now["status"] == "shipped" {
            shipped = now;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(shipped["status"], "shipped", "the worker booked it");
    assert_eq!(shipped["booking_attempts"], 3, "two refusals, one booking");
    assert_eq!(shipped["courier_error"], Value::Null);
    // Packing it again books nothing more.
    let (status, _) = shop
        .call("POST", &format!("{path}/packed"), Some(&shop.admin()), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        shop.metric(
            &shop.fulfilment,
            "courier_bookings_total{outcome=\"booked\""
        )
        .await,
        1.0
    );
    shop.wait_for_status(id, &["shipped"]).await;
}

#[tokio::test]
async fn order_paid_delivered_twice_makes_one_packing_task() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (order, _) = paid_order(&shop, &token, card(GOOD_CARD), &[(1000, 1)]).await;
    let id = order["id"].as_str().unwrap();
    let first = task_of(&shop, id).await;
    let event = json!({
        "event_id": Uuid::now_v7(), "order_id": id, "user_id": order["user_id"],
        "lines": order["lines"], "shipping_address": order["shipping_address"],
        "total_cents": order["total_cents"], "currency": "USD", "paid_at": order["updated_at"],
    });

    for _ in 0..2 {
        let (status, again) = shop
            .internal(
                &shop.fulfilment,
                "POST",
                "/internal/fulfilments",
                Some(event.clone()),
            )
            .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["packing_task_id"], first["id"]);
    }
    let (_, page) = shop
        .call(
            "GET",
            "/api/admin/packing-tasks?limit=100",
            Some(&shop.admin()),
            None,
        )
        .await;
    let tasks = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["order_id"] == id)
        .count();
    assert_eq!(tasks, 1);
}
