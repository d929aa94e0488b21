//! Crashes and outages in the middle of a checkout: the order is left in an
//! intermediate state and the recovery worker (or a retry with the same key)
//! finishes it, asking payments and catalogue what really happened.

use chrono::{Datelike as _, Utc};
use orders::{
    db::models::{
        checkout_key::{CheckoutKey, Claimed},
        order::Order,
        order_line::OrderLineRow,
    },
    domain::checkout::parse,
};
use serde_json::{Value, json};
use shop_client::wire::orders::CheckoutRequest;
use uuid::Uuid;

use crate::helpers::{
    GOOD_CARD, Shop, ShopOptions, card, checkout_body, free_url, spawn_shop, spawn_shop_with,
    start_payments,
};

/// The shop with payments not running yet, on a port the test can start it on.
async fn shop_without_payments(orders_env: Vec<(&'static str, String)>) -> (Shop, u16) {
    let (url, port) = free_url();
    let shop = spawn_shop_with(ShopOptions {
        payments_url: Some(url),
        without_payments: true,
        orders_env,
        ..ShopOptions::default()
    })
    .await;
    (shop, port)
}

#[tokio::test]
async fn payments_down_is_a_503_and_recovery_releases_a_card_order_it_cannot_charge() {
    let (mut shop, port) = shop_without_payments(Vec::new()).await;
    let product = shop.product(1000, 5).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 2).await;

    let (status, body) = shop
        .checkout(&token, "while-down", &checkout_body(card(GOOD_CARD)))
        .await;

    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "dependency_unavailable");
    assert_eq!(body["service"], "payments");
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    let id = orders["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        orders["items"][0]["status"], "reserved",
        "left for recovery"
    );

    shop.payments = Some(start_payments(&shop.users.address, Some(port)).await);
    let order = shop.wait_for_status(&id, &["failed", "paid"]).await;

    assert_eq!(
        order["status"], "failed",
        "a card is never stored, so it is compensated"
    );
    assert_eq!(order["failure_code"], "checkout_interrupted");
    assert_eq!(shop.stock(product).await, (5, 0), "the hold was released");
    assert!(shop.payment_of(&id).await.is_none(), "nothing was charged");
    // The client's retry with the same key learns the outcome.
    let (status, body) = shop
        .checkout(&token, "while-down", &checkout_body(card(GOOD_CARD)))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "checkout_interrupted");
}

#[tokio::test]
async fn a_retry_with_the_same_key_after_payments_returns_completes_the_checkout_once() {
    let (mut shop, port) =
        shop_without_payments(vec![("ORDER_RECOVERY_AFTER_SECS", "3600".to_owned())]).await;
    let product = shop.product(1000, 5).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 2).await;
    let body = checkout_body(card(GOOD_CARD));
    let (status, _) = shop.checkout(&token, "retry-me", &body).await;
    assert_eq!(status, 503);

    shop.payments = Some(start_payments(&shop.users.address, Some(port)).await);
    let (status, order) = shop.checkout(&token, "retry-me", &body).await;
    let replay = shop.checkout(&token, "retry-me", &body).await;

    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "paid");
    assert_eq!(replay, (status, order.clone()));
    assert_eq!(shop.stock(product).await, (3, 0));
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_calls_total")
            .await,
        1.0
    );
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 1);
}

#[tokio::test]
async fn a_wallet_order_stranded_by_a_payments_outage_is_paid_by_recovery_once_payments_returns() {
    let (mut shop, port) = shop_without_payments(Vec::new()).await;
    let product = shop.product(12_000, 5).await;
    let (_, token) = shop.customer(20_000).await;
    shop.add_to_cart(&token, product, 1).await;
    let (status, _) = shop
        .checkout(
            &token,
            "wallet-down",
            &checkout_body(json!({"type": "wallet"})),
        )
        .await;
    assert_eq!(status, 503);
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    let id = orders["items"][0]["id"].as_str().unwrap().to_owned();

    shop.payments = Some(start_payments(&shop.users.address, Some(port)).await);
    let order = shop
        .wait_for_status(&id, &["paid", "failed", "payment_failed"])
        .await;

    assert_eq!(order["status"], "paid", "{order}");
    assert!(order["invoice_number"].is_string());
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 8_000, "debited exactly once");
    assert_eq!(shop.stock(product).await, (4, 0));
    shop.wait_for_packing_task(&id).await;
}

/// Writes what a checkout would have written before crashing: the order (in
/// `status`, untouched for an hour, nobody driving it) and its key. Recovery
/// may take it up at once, so whatever else the crash left (a hold, a
/// payment) is staged first, under the same `id`.
async fn stage_crashed_order(
    shop: &Shop,
    id: Uuid,
    user_id: Uuid,
    key: &str,
    request: &Value,
    (product, quantity, unit_price_cents): (Uuid, i32, i64),
    status: &str,
) {
    let request: CheckoutRequest = serde_json::from_value(request.clone()).unwrap();
    let today = Utc::now();
    let checkout = parse(&request, (today.year(), today.month())).ok().unwrap();
    let an_hour_ago = Utc::now() - chrono::Duration::hours(1);
    let order = Order {
        id,
        user_id,
        status: status.parse().unwrap(),
        total_cents: unit_price_cents * i64::from(quantity),
        refunded_cents: 0,
        currency: "USD".to_owned(),
        payment_method: checkout.method(),
        payment_id: None,
        failure_code: None,
        shipping_address: crate::helpers::address(),
        lease_until: Some(an_hour_ago),
        delivered_at: None,
        created_at: an_hour_ago,
        updated_at: an_hour_ago,
    };
    let line = OrderLineRow {
        order_id: id,
        product_id: product,
        sku: "STAGED".to_owned(),
        name: "Staged".to_owned(),
        quantity,
        unit_price_cents,
    };
    let mut conn = shop.orders_db().await;
    let claimed = CheckoutKey::claim_with_order(
        &mut conn,
        &order,
        &[line],
        user_id,
        key,
        checkout.fingerprint.as_str(),
    )
    .await
    .unwrap();
    assert_eq!(claimed, Claimed::ByUs);
}

async fn hold_stock(shop: &Shop, order_id: Uuid, product: Uuid, quantity: i32) {
    let (status, body) = shop
        .internal(
            &shop.catalogue,
            "POST",
            "/internal/reservations",
            Some(json!({"reservation_id": order_id, "items": [{"product_id": product, "quantity": quantity}]})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_card_checkout_that_crashed_between_reserve_and_pay_is_compensated_on_restart() {
    let shop = spawn_shop().await;
    let product = shop.product(1500, 10).await;
    let (user_id, token) = shop.shopper();
    let request = checkout_body(card(GOOD_CARD));
    let id = Uuid::now_v7();
    hold_stock(&shop, id, product, 4).await;
    assert_eq!(shop.stock(product).await, (10, 4));
    stage_crashed_order(
        &shop,
        id,
        user_id,
        "crashed",
        &request,
        (product, 4, 1500),
        "reserved",
    )
    .await;

    let order = shop
        .wait_for_status(&id.to_string(), &["failed", "paid"])
        .await;

    assert_eq!(order["status"], "failed");
    assert_eq!(shop.stock(product).await, (10, 0), "the hold was released");
    assert!(shop.payment_of(&id.to_string()).await.is_none());
    let (status, body) = shop.checkout(&token, "crashed", &request).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "checkout_interrupted");
}

#[tokio::test]
async fn a_checkout_that_crashed_after_the_charge_is_completed_on_restart_without_a_second_charge()
{
    let shop = spawn_shop().await;
    let product = shop.product(1500, 10).await;
    let (user_id, token) = shop.shopper();
    let request = checkout_body(card(GOOD_CARD));
    let id = Uuid::now_v7();
    hold_stock(&shop, id, product, 2).await;
    let (status, payment) = shop
        .internal(
            shop.payments(),
            "POST",
            "/internal/payments",
            Some(json!({"order_id": id, "user_id": user_id, "amount_cents": 3000, "method": card(GOOD_CARD)})),
        )
        .await;
    assert_eq!(status, 201, "{payment}");
    stage_crashed_order(
        &shop,
        id,
        user_id,
        "charged",
        &request,
        (product, 2, 1500),
        "reserved",
    )
    .await;

    let order = shop
        .wait_for_status(&id.to_string(), &["paid", "failed"])
        .await;

    assert_eq!(order["status"], "paid", "{order}");
    assert_eq!(order["payment_id"], payment["id"]);
    assert!(order["invoice_number"].is_string());
    assert_eq!(shop.stock(product).await, (8, 0), "the hold was sold");
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_calls_total")
            .await,
        1.0
    );
    shop.wait_for_packing_task(&id.to_string()).await;
    let (status, replay) = shop.checkout(&token, "charged", &request).await;
    assert_eq!(status, 201, "{replay}");
    assert_eq!(replay["order_id"], id.to_string());
}

#[tokio::test]
async fn a_wallet_checkout_that_crashed_before_reserving_is_driven_to_the_end() {
    let shop = spawn_shop().await;
    let product = shop.product(2500, 3).await;
    let (user_id, token) = shop.customer(10_000).await;
    let request = checkout_body(json!({"type": "wallet"}));
    let id = Uuid::now_v7();
    stage_crashed_order(
        &shop,
        id,
        user_id,
        "early",
        &request,
        (product, 2, 2500),
        "pending",
    )
    .await;

    let order = shop
        .wait_for_status(&id.to_string(), &["paid", "failed", "rejected"])
        .await;

    assert_eq!(order["status"], "paid", "{order}");
    assert_eq!(shop.stock(product).await, (1, 0));
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 5_000);
}

/// The database stops while a checkout waits on it, after the card was
/// charged: the buyer gets a 503 to retry (not a 500), and the retry with the
/// same key completes the order once, with one charge.
#[tokio::test]
async fn a_database_cut_in_the_middle_of_a_checkout_is_a_503_and_the_retry_completes_it_once() {
    let shop = spawn_shop_with(ShopOptions {
        orders_database_proxy: true,
        // This card fails once then succeeds: the charge takes 1 to 2 s, long
        // enough to stop orders' database while payments works.
        payments_env: vec![("CARD_RETRY_BASE_MS", "2000".to_owned())],
        // The cut request could not give its lease back; it lapses soon.
        orders_env: vec![
            ("ORDER_RECOVERY_AFTER_SECS", "600".to_owned()),
            ("CHECKOUT_LEASE_SECS", "2".to_owned()),
        ],
        ..ShopOptions::default()
    })
    .await;
    let product = shop.product(1500, 5).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    let proxy = shop.orders_database_proxy.as_ref().unwrap();
    let body = checkout_body(card("4000000000000259"));

    let ((status, answer), ()) = tokio::join!(shop.checkout(&token, "cut-key", &body), async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        proxy.freeze();
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        proxy.cut();
    });
    assert_eq!(status, 503, "{answer}");
    assert_eq!(answer["code"], "dependency_unavailable", "{answer}");

    proxy.restore();
    // A client retries with the same key, as the 503 and Retry-After say.
    let mut retry = shop.checkout(&token, "cut-key", &body).await;
    for _ in 0..20 {
        if retry.0 != 409 || retry.1["code"] != "checkout_in_progress" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        retry = shop.checkout(&token, "cut-key", &body).await;
    }
    let (status, order) = retry;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "paid");
    assert_eq!(shop.stock(product).await, (4, 0));
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_captures_total")
            .await,
        1.0
    );
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 1, "{orders}");
}

#[tokio::test]
async fn a_retry_after_the_unfinished_order_was_cancelled_is_told_as_a_problem() {
    let (mut shop, port) =
        shop_without_payments(vec![("ORDER_RECOVERY_AFTER_SECS", "3600".to_owned())]).await;
    let product = shop.product(1000, 5).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    let body = checkout_body(card(GOOD_CARD));
    let (status, _) = shop.checkout(&token, "cancel-me", &body).await;
    assert_eq!(status, 503);
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    let id = orders["items"][0]["id"].as_str().unwrap().to_owned();
    shop.payments = Some(start_payments(&shop.users.address, Some(port)).await);
    let (status, cancelled) = shop
        .call(
            "POST",
            &format!("/api/orders/{id}/cancel"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");

    let response = shop
        .http
        .post(shop.url("/api/orders"))
        .bearer_auth(&token)
        .header("idempotency-key", "cancel-me")
        .json(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 409);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "checkout_interrupted", "{problem}");
    assert_eq!(problem["status"], 409);
    assert!(shop.payment_of(&id).await.is_none(), "nothing was charged");
}
