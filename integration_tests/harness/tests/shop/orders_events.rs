//! The outbox relay (retries, dead letters) and the events orders receives
//! from fulfilment (status updates, returns to refund).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::json;
use shop_kit::outbox::outbox;
use uuid::Uuid;

use crate::helpers::{
    GOOD_CARD, Shop, ShopOptions, card, checkout_body, free_url, spawn_shop, spawn_shop_with,
    start_fulfilment,
};

/// A paid card order of `quantity` x 1000 cents: (order id, buyer token).
async fn paid_order(shop: &Shop, quantity: i32) -> (String, String) {
    let product = shop.product(1000, 50).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, quantity).await;
    let (status, order) = shop
        .checkout(
            &token,
            &Uuid::now_v7().to_string(),
            &checkout_body(card(GOOD_CARD)),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    (order["id"].as_str().unwrap().to_owned(), token)
}

/// (status, attempts) of the order's outbox events.
async fn outbox_rows(shop: &Shop, order_id: &str) -> Vec<(String, i32)> {
    let mut conn = shop.orders_db().await;
    outbox::table
        .filter(outbox::aggregate_id.eq(order_id.parse::<Uuid>().unwrap()))
        .select((outbox::status, outbox::attempts))
        .load(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn order_paid_is_retried_until_fulfilment_is_back_and_delivered_once() {
    let (url, port) = free_url();
    let shop = spawn_shop_with(ShopOptions {
        fulfilment_url: Some(url),
        ..ShopOptions::default()
    })
    .await;
    let (id, _) = paid_order(&shop, 1).await;
    for _ in 0..100 {
        if outbox_rows(&shop, &id).await[0].1 >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        outbox_rows(&shop, &id).await[0].1 >= 2,
        "retried while fulfilment was down"
    );
    assert!(
        shop.metric(
            &shop.orders,
            "outbox_events_total{event=\"order.paid\",outcome=\"retried\""
        )
        .await
            >= 1.0
    );

    let fulfilment = start_fulfilment(&shop.fulfilment_env, Some(port)).await;
    let mut delivered = false;
    for _ in 0..200 {
        if outbox_rows(&shop, &id).await[0].0 == "delivered" {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    assert!(delivered, "{:?}", outbox_rows(&shop, &id).await);
    let (status, task) = shop
        .internal(
            &fulfilment,
            "GET",
            &format!("/internal/fulfilments/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{task}");
    assert_eq!(task["status"], "pending");
}

#[tokio::test]
async fn an_event_that_keeps_failing_is_dead_lettered_and_counted() {
    let shop = spawn_shop_with(ShopOptions {
        fulfilment_url: Some(free_url().0),
        orders_env: vec![("OUTBOX_MAX_ATTEMPTS", "3".to_owned())],
        ..ShopOptions::default()
    })
    .await;
    let (id, _) = paid_order(&shop, 1).await;

    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = outbox_rows(&shop, &id).await;
        if rows[0].0 == "dead" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    assert_eq!(rows, vec![("dead".to_owned(), 3)]);
    assert_eq!(shop.metric(&shop.orders, "outbox_dead_events").await, 1.0);
}

#[tokio::test]
async fn order_paid_delivered_twice_makes_one_packing_task() {
    let shop = spawn_shop().await;
    let (id, _) = paid_order(&shop, 2).await;
    let first = shop.wait_for_packing_task(&id).await;
    let order = shop.order(&shop.admin(), &id).await;
    let event = json!({
        "event_id": Uuid::now_v7(), "order_id": id, "user_id": order["user_id"],
        "lines": order["lines"], "shipping_address": order["shipping_address"],
        "total_cents": order["total_cents"], "currency": "USD", "paid_at": order["updated_at"],
    });

    let (status, again) = shop
        .internal(
            &shop.fulfilment,
            "POST",
            "/internal/fulfilments",
            Some(event),
        )
        .await;

    assert_eq!(status, 200, "{again}");
    assert_eq!(again["packing_task_id"], first["packing_task_id"]);
}

#[tokio::test]
async fn status_updates_move_the_order_once_and_in_order() {
    let shop = spawn_shop().await;
    let (id, token) = paid_order(&shop, 1).await;
    let update = |event: Uuid, status: &str| {
        let shop = &shop;
        let id = id.clone();
        let status = status.to_owned();
        async move {
            shop.internal(
                &shop.orders,
                "POST",
                &format!("/internal/orders/{id}/status"),
                Some(json!({"event_id": event, "status": status, "tracking_number": "TRK1"})),
            )
            .await
        }
    };

    let (status, body) = update(Uuid::now_v7(), "delivered").await;
    assert_eq!(status, 409, "paid cannot skip to delivered: {body}");
    let shipped = Uuid::now_v7();
    assert_eq!(update(shipped, "shipped").await.1["status"], "shipped");
    assert_eq!(
        update(shipped, "shipped").await.0,
        200,
        "a repeat is harmless"
    );
    let (_, delivered) = update(Uuid::now_v7(), "delivered").await;
    assert_eq!(delivered["status"], "delivered");
    assert!(delivered["delivered_at"].is_string());
    let (status, late) = update(Uuid::now_v7(), "packing").await;
    assert_eq!(status, 200);
    assert_eq!(
        late["status"], "delivered",
        "a late update does not move it back"
    );
    let (status, _) = update(Uuid::now_v7(), "cancelled").await;
    assert_eq!(status, 422);
    assert_eq!(shop.order(&token, &id).await["status"], "delivered");
    let (status, _) = shop
        .call(
            "POST",
            &format!("/api/orders/{id}/cancel"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 409, "a delivered order cannot be cancelled");
}

/// The credit note a refund gave, by number: its sequence number.
fn sequence(number: &str) -> u32 {
    number.rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn credit_notes_are_issued_once_per_return_and_never_above_what_was_paid() {
    let shop = spawn_shop().await;
    let (id, token) = paid_order(&shop, 3).await;
    // `return.received` as fulfilment's relay delivers it (no lines to
    // restock: this test is about the money).
    let received = |return_id: Uuid, amount: i64| {
        let shop = &shop;
        let body = json!({"event_id": Uuid::now_v7(), "return_id": return_id, "number": "RMA-2026-000001",
                          "order_id": id, "lines": [], "refund_cents": amount});
        async move {
            shop.internal(&shop.orders, "POST", "/internal/returns", Some(body))
                .await
        }
    };

    let first_return = Uuid::now_v7();
    let (status, first) = received(first_return, 1000).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["progress"], "done");
    let (status, replay) = received(first_return, 1000).await;
    assert_eq!(status, 200, "delivered twice: {replay}");
    assert_eq!(
        replay, first,
        "the second delivery answers the first's refund"
    );
    assert_eq!(
        shop.order(&token, &id).await["status"],
        "partially_refunded"
    );
    let (status, _) = received(Uuid::now_v7(), 2001).await;
    assert_eq!(status, 422, "only 2000 are left");
    let (status, rest) = received(Uuid::now_v7(), 2000).await;
    assert_eq!(status, 200, "{rest}");

    let order = shop.order(&token, &id).await;
    assert_eq!(order["status"], "refunded");
    assert_eq!(order["refunded_cents"], 3000);
    let (_, invoice) = shop
        .call(
            "GET",
            &format!("/api/orders/{id}/invoice"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        invoice["credit_notes"].as_array().unwrap().len(),
        2,
        "{invoice}"
    );
    assert_eq!(
        sequence(rest["credit_note_number"].as_str().unwrap()),
        sequence(first["credit_note_number"].as_str().unwrap()) + 1,
        "no gap between credit notes"
    );
}
