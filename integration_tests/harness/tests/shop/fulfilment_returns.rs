//! Return validation and receiving a return exactly once.

use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl};
use futures_util::future::join_all;
use serde_json::json;
use uuid::Uuid;

use crate::{
    fulfilment_flows::{deliver, paid_order},
    helpers::{GOOD_CARD, card, spawn_shop},
};

#[tokio::test]
async fn a_return_is_refused_before_delivery_above_what_was_bought_for_others_and_after_the_window()
{
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (order, products) = paid_order(&shop, &token, card(GOOD_CARD), &[(1000, 2)]).await;
    let id = order["id"].as_str().unwrap();
    let ask = |token: String, quantity: i32, product: Uuid| {
        let shop = &shop;
        let body = json!({"order_id": id, "lines": [{"product_id": product, "quantity": quantity}], "reason": "broken"});
        async move {
            shop.call("POST", "/api/returns", Some(&token), Some(body))
                .await
        }
    };

    // Fulfilment answers from what `order.paid` told it (an order it has
    // not heard of is a 404), so the event is let arrive first.
    shop.wait_for_packing_task(id).await;
    let (status, body) = ask(token.clone(), 1, products[0]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "not_delivered");

    deliver(&shop, id).await;
    let (status, body) = ask(token.clone(), 3, products[0]).await;
    assert_eq!(status, 422, "3 of 2: {body}");
    let (status, body) = ask(token.clone(), 1, Uuid::now_v7()).await;
    assert_eq!(status, 422, "not in the order: {body}");
    let (_, stranger) = shop.shopper();
    let (status, _) = ask(stranger, 1, products[0]).await;
    assert_eq!(status, 404, "someone else's order");
    let (status, _) = shop
        .call(
            "POST",
            "/api/returns",
            Some(&token),
            Some(json!({"order_id": id, "lines": [], "reason": "x"})),
        )
        .await;
    assert_eq!(status, 422, "no lines");

    // Delivered 31 days ago: the 30-day window is closed.
    let mut conn = AsyncPgConnection::establish(shop.fulfilment.db.url().as_str())
        .await
        .unwrap();
    diesel::sql_query(
        "UPDATE shipments SET delivered_at = now() - interval '31 days' WHERE order_id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id.parse::<Uuid>().unwrap())
    .execute(&mut conn)
    .await
    .unwrap();
    let (status, body) = ask(token.clone(), 1, products[0]).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["code"], "return_window_closed");
}

#[tokio::test]
async fn receiving_a_return_twice_or_at_once_restocks_and_refunds_once() {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (order, products) = paid_order(&shop, &token, card(GOOD_CARD), &[(1200, 3)]).await;
    let id = order["id"].as_str().unwrap();
    deliver(&shop, id).await;
    let on_hand = shop.stock(products[0]).await.0;
    let mut rmas = Vec::new();
    for _ in 0..2 {
        let (status, rma) = shop
            .call("POST", "/api/returns", Some(&token),
                  Some(json!({"order_id": id, "lines": [{"product_id": products[0], "quantity": 1}], "reason": "spare"})))
            .await;
        assert_eq!(status, 201, "{rma}");
        rmas.push(rma["id"].as_str().unwrap().to_owned());
    }
    let admin = shop.admin();

    // The first: received twice, one after the other.
    for _ in 0..2 {
        let (status, rma) = shop
            .call(
                "POST",
                &format!("/api/admin/returns/{}/receive", rmas[0]),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(status, 200, "{rma}");
        assert_eq!(rma["status"], "refunded");
    }
    // The second: received five times at once.
    let path = format!("/api/admin/returns/{}/receive", rmas[1]);
    let answers = join_all((0..5).map(|_| shop.call("POST", &path, Some(&admin), None))).await;
    for (status, body) in &answers {
        assert!(*status == 200 || *status == 202, "{status} {body}");
    }

    let order = shop.wait_for_status(id, &["partially_refunded"]).await;
    for _ in 0..100 {
        if shop.order(&token, id).await["refunded_cents"] == 2400 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        shop.stock(products[0]).await.0,
        on_hand + 2,
        "two returns, two units back: {order}"
    );
    let payment = shop.payment_of(id).await.unwrap();
    assert_eq!(payment["refunded_cents"], 2400, "two refunds of 12.00");
    let order = shop.order(&token, id).await;
    assert_eq!(order["refunded_cents"], 2400);
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
    let (_, rma) = shop
        .call(
            "GET",
            &format!("/api/returns/{}", rmas[1]),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(rma["status"], "refunded");
}
