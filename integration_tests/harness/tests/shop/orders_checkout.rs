//! The checkout saga through the gateway, against every real service.

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{DECLINED_CARD, GOOD_CARD, card, checkout_body, spawn_shop};

#[tokio::test]
async fn a_card_checkout_pays_invoices_commits_stock_empties_the_cart_and_reaches_fulfilment() {
    let shop = spawn_shop().await;
    let product = shop.product(1250, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 3).await;

    let (status, order) = shop
        .checkout(&token, "checkout-1", &checkout_body(card(GOOD_CARD)))
        .await;

    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "paid");
    assert_eq!(order["total_cents"], 3750);
    let id = order["order_id"].as_str().unwrap().to_owned();
    assert_eq!(order["id"], order["order_id"]);
    assert!(order["invoice_id"].is_string(), "{order}");
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        order["invoice_number"]
            .as_str()
            .unwrap()
            .starts_with(&format!("INV-{year}-")),
        "{order}"
    );
    assert_eq!(
        shop.stock(product).await,
        (7, 0),
        "three units sold, none held"
    );
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(cart["items"], json!([]), "{cart}");
    let payment = shop.payment_of(&id).await.expect("a payment");
    assert_eq!(payment["status"], "succeeded");
    assert_eq!(payment["amount_cents"], 3750);
    assert_eq!(order["payment_id"], payment["id"]);
    let task = shop.wait_for_packing_task(&id).await;
    assert_eq!(task["status"], "pending");

    let (status, invoice) = shop
        .call(
            "GET",
            &format!("/api/orders/{id}/invoice"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{invoice}");
    assert_eq!(invoice["number"], order["invoice_number"]);
    assert_eq!(invoice["total_cents"], 3750);
    assert_eq!(invoice["lines"][0]["quantity"], 3);
    let (status, payments) = shop
        .call(
            "GET",
            &format!("/api/payments?order_id={id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{payments}");
}

#[tokio::test]
async fn checkout_without_an_idempotency_key_is_a_400_and_an_empty_cart_a_422() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (status, body) = shop
        .call(
            "POST",
            "/api/orders",
            Some(&token),
            Some(checkout_body(card(GOOD_CARD))),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "idempotency_key_required");

    let (status, body) = shop
        .checkout(&token, "empty", &checkout_body(card(GOOD_CARD)))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "cart_empty");

    let product = shop.product(500, 5).await;
    shop.add_to_cart(&token, product, 1).await;
    let mut bad = checkout_body(card("4242424242424241"));
    bad["shipping_address"]["country"] = json!("Britain");
    let (status, body) = shop.checkout(&token, "bad", &bad).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["payment.card_number"].is_string(), "{body}");
    assert!(
        body["fields"]["shipping_address.country"].is_string(),
        "{body}"
    );
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 0, "bad input wrote nothing: {orders}");
    assert_eq!(shop.stock(product).await, (5, 0));
}

#[tokio::test]
async fn the_same_key_and_body_replays_the_first_answer_without_a_second_order_or_charge() {
    let shop = spawn_shop().await;
    let product = shop.product(999, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 2).await;
    let body = checkout_body(card(GOOD_CARD));

    let first = shop.checkout(&token, "same-key", &body).await;
    // The cart is empty now: only the stored answer can make this a 201.
    let second = shop.checkout(&token, "same-key", &body).await;

    assert_eq!(first.0, 201, "{}", first.1);
    assert_eq!(first, second, "the replay is identical");
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 1);
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_calls_total")
            .await,
        1.0
    );
    assert_eq!(shop.stock(product).await, (8, 0));
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() {
    let shop = spawn_shop().await;
    let product = shop.product(999, 10).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    let (status, _) = shop
        .checkout(&token, "key-a", &checkout_body(card(GOOD_CARD)))
        .await;
    assert_eq!(status, 201);

    let (status, body) = shop
        .checkout(&token, "key-a", &checkout_body(json!({"type": "wallet"})))
        .await;

    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "idempotency_key_reused");
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 1);
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_make_exactly_one_order_and_one_charge() {
    let shop = spawn_shop().await;
    let product = shop.product(2000, 50).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 2).await;
    let body = checkout_body(card(GOOD_CARD));

    let answers = join_all((0..20).map(|_| shop.checkout(&token, "stampede", &body))).await;

    let created: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
    assert!(!created.is_empty(), "{answers:?}");
    for (status, body) in &answers {
        match status {
            201 => assert_eq!(body, &created[0].1, "every 201 is the same order"),
            409 => assert_eq!(body["code"], "checkout_in_progress", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["total"], 1, "{orders}");
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_calls_total")
            .await,
        1.0
    );
    assert_eq!(shop.stock(product).await, (48, 0));
}

#[tokio::test]
async fn a_declined_card_is_a_402_the_stock_comes_back_and_the_order_is_payment_failed() {
    let shop = spawn_shop().await;
    let product = shop.product(1500, 4).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, product, 4).await;

    let (status, body) = shop
        .checkout(&token, "declined", &checkout_body(card(DECLINED_CARD)))
        .await;

    assert_eq!(status, 402, "{body}");
    assert_eq!(body["code"], "payment_declined");
    assert_eq!(shop.stock(product).await, (4, 0), "the hold was released");
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    assert_eq!(orders["items"][0]["status"], "payment_failed", "{orders}");
    assert_eq!(orders["items"][0]["failure_code"], "card_declined");
    let (_, cart) = shop.call("GET", "/api/cart", Some(&token), None).await;
    assert_eq!(
        cart["items"][0]["quantity"], 4,
        "the cart is kept for another try"
    );
}

#[tokio::test]
async fn out_of_stock_is_a_409_naming_the_product_and_nothing_is_charged() {
    let shop = spawn_shop().await;
    let plenty = shop.product(100, 50).await;
    let scarce = shop.product(700, 2).await;
    let (_, token) = shop.shopper();
    shop.add_to_cart(&token, plenty, 1).await;
    shop.add_to_cart(&token, scarce, 3).await;

    let (status, body) = shop
        .checkout(&token, "too-many", &checkout_body(card(GOOD_CARD)))
        .await;

    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "out_of_stock");
    let lines = body["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{body}");
    assert_eq!(lines[0]["product_id"], scarce.to_string());
    assert_eq!(lines[0]["requested"], 3);
    assert_eq!(lines[0]["available"], 2);
    let (_, orders) = shop.call("GET", "/api/orders", Some(&token), None).await;
    let id = orders["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(orders["items"][0]["status"], "rejected");
    assert!(shop.payment_of(&id).await.is_none(), "nothing was charged");
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_calls_total")
            .await,
        0.0
    );
    assert_eq!(shop.stock(plenty).await, (50, 0), "nothing held");
}

#[tokio::test]
async fn a_wallet_checkout_takes_the_money_from_the_wallet() {
    let shop = spawn_shop().await;
    let product = shop.product(29_999, 3).await;
    let (_, token) = shop.customer(50_000).await;
    shop.add_to_cart(&token, product, 1).await;

    let (status, order) = shop
        .checkout(
            &token,
            "wallet-1",
            &checkout_body(json!({"type": "wallet"})),
        )
        .await;

    assert_eq!(status, 201, "{order}");
    assert_eq!(order["status"], "paid");
    assert_eq!(order["payment_method"], "wallet");
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 20_001, "500.00 - 299.99 = 200.01");
}

#[tokio::test]
async fn a_wallet_without_enough_money_is_declined_and_keeps_its_balance() {
    let shop = spawn_shop().await;
    let product = shop.product(10_000, 3).await;
    let (_, token) = shop.customer(5_000).await;
    shop.add_to_cart(&token, product, 1).await;

    let (status, body) = shop
        .checkout(&token, "poor", &checkout_body(json!({"type": "wallet"})))
        .await;

    assert_eq!(status, 402, "{body}");
    assert_eq!(body["fields"]["decline_code"], "insufficient_funds");
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 5_000);
    assert_eq!(shop.stock(product).await, (3, 0));
}

#[tokio::test]
async fn a_saved_address_is_used_and_someone_elses_is_refused() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 5).await;
    let (_, token) = shop.customer(0).await;
    let (_, other) = shop.customer(0).await;
    let (status, saved) = shop
        .call(
            "POST",
            "/api/users/me/addresses",
            Some(&token),
            Some(crate::helpers::address()),
        )
        .await;
    assert_eq!(status, 201, "{saved}");
    let (_, theirs) = shop
        .call(
            "POST",
            "/api/users/me/addresses",
            Some(&other),
            Some(crate::helpers::address()),
        )
        .await;
    shop.add_to_cart(&token, product, 1).await;

    let (status, body) = shop
        .checkout(
            &token,
            "addr-1",
            &json!({"address_id": theirs["id"], "payment": card(GOOD_CARD)}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["address_id"].is_string(), "{body}");

    let (status, order) = shop
        .checkout(
            &token,
            "addr-2",
            &json!({"address_id": saved["id"], "payment": card(GOOD_CARD)}),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    assert_eq!(order["shipping_address"]["city"], "London");
}

#[tokio::test]
async fn orders_are_visible_to_their_buyer_and_admins_only() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 5).await;
    let (_, token) = shop.shopper();
    let (_, stranger) = shop.shopper();
    shop.add_to_cart(&token, product, 1).await;
    let (_, order) = shop
        .checkout(&token, "mine", &checkout_body(card(GOOD_CARD)))
        .await;
    let id = order["id"].as_str().unwrap();

    for path in [
        format!("/api/orders/{id}"),
        format!("/api/orders/{id}/invoice"),
    ] {
        let (status, _) = shop.call("GET", &path, Some(&stranger), None).await;
        assert_eq!(status, 404, "{path}");
        let (status, _) = shop.call("GET", &path, Some(&shop.admin()), None).await;
        assert_eq!(status, 200, "{path}");
    }
    let (_, theirs) = shop.call("GET", "/api/orders", Some(&stranger), None).await;
    assert_eq!(theirs["total"], 0);
    let (status, _) = shop.call("GET", "/api/orders", None, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn invoice_numbers_have_no_gaps_even_when_checkouts_fail_in_between() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 100).await;
    let mut numbers = Vec::new();
    for i in 0..4 {
        let (_, token) = shop.shopper();
        shop.add_to_cart(&token, product, 1).await;
        if i == 1 {
            let (status, _) = shop
                .checkout(&token, "fails", &checkout_body(card(DECLINED_CARD)))
                .await;
            assert_eq!(status, 402);
        }
        let (status, order) = shop
            .checkout(&token, &format!("ok-{i}"), &checkout_body(card(GOOD_CARD)))
            .await;
        assert_eq!(status, 201, "{order}");
        numbers.push(order["invoice_number"].as_str().unwrap().to_owned());
    }
    let seq: Vec<u32> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(seq, vec![1, 2, 3, 4], "{numbers:?}");
}

#[tokio::test]
async fn cancelling_a_paid_order_refunds_it_restocks_and_issues_a_credit_note() {
    let shop = spawn_shop().await;
    let product = shop.product(2500, 5).await;
    let (_, token) = shop.customer(10_000).await;
    shop.add_to_cart(&token, product, 2).await;
    let (_, order) = shop
        .checkout(
            &token,
            "to-cancel",
            &checkout_body(json!({"type": "wallet"})),
        )
        .await;
    let id = order["id"].as_str().unwrap().to_owned();
    shop.wait_for_packing_task(&id).await;

    let (status, cancelled) = shop
        .call(
            "POST",
            &format!("/api/orders/{id}/cancel"),
            Some(&token),
            None,
        )
        .await;
    let (again, _) = shop
        .call(
            "POST",
            &format!("/api/orders/{id}/cancel"),
            Some(&token),
            None,
        )
        .await;

    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(again, 200, "cancelling twice is harmless");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["refunded_cents"], 5000);
    let (_, wallet) = shop
        .call("GET", "/api/users/me/wallet", Some(&token), None)
        .await;
    assert_eq!(wallet["balance_cents"], 10_000, "the money is back, once");
    assert_eq!(
        shop.stock(product).await,
        (5, 0),
        "the units are back, once"
    );
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
        1,
        "{invoice}"
    );
    assert_eq!(invoice["credit_notes"][0]["amount_cents"], 5000);
    let task = shop.wait_for_packing_task(&id).await;
    assert_eq!(task["status"], "cancelled", "nobody packs it");
}
