//! One place gives money back: a return received three times at once makes
//! one restock, one refund and one credit note, all orchestrated by orders
//! (fulfilment only announces `return.received`); and orders, handed the
//! same `return.received` three times at once, still makes one of each.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::{
    fulfilment_flows::{deliver, paid_order},
    helpers::{GOOD_CARD, Shop, card, spawn_shop},
};

/// Waits (up to 10 s) until the return is `refunded`.
async fn wait_for_refunded_return(shop: &Shop, token: &str, id: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        let (status, rma) = shop
            .call("GET", &format!("/api/returns/{id}"), Some(token), None)
            .await;
        assert_eq!(status, 200, "{rma}");
        if rma["status"] == "refunded" {
            return rma;
        }
        last = rma;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("return {id} never refunded: {last}");
}

/// (units on hand, the payment's refunded cents, the invoice's credit notes).
async fn money_and_stock(
    shop: &Shop,
    token: &str,
    order_id: &str,
    product: uuid::Uuid,
) -> (i64, Value, Vec<Value>) {
    let on_hand = shop.stock(product).await.0;
    let payment = shop.payment_of(order_id).await.unwrap();
    let (status, invoice) = shop
        .call(
            "GET",
            &format!("/api/orders/{order_id}/invoice"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{invoice}");
    (
        on_hand,
        payment["refunded_cents"].clone(),
        invoice["credit_notes"].as_array().unwrap().clone(),
    )
}

#[tokio::test]
async fn a_return_received_three_times_at_once_makes_one_restock_one_refund_and_one_credit_note_orchestrated_by_orders()
 {
    let shop = spawn_shop().await;
    let (_, token) = shop.shopper();
    let (order, products) =
        paid_order(&shop, &token, card(GOOD_CARD), &[(1500, 2), (700, 1)]).await;
    let id = order["id"].as_str().unwrap();
    deliver(&shop, id).await;
    let on_hand = shop.stock(products[0]).await.0;
    let (status, rma) = shop
        .call("POST", "/api/returns", Some(&token),
              Some(json!({"order_id": id, "lines": [{"product_id": products[0], "quantity": 1}], "reason": "too big"})))
        .await;
    assert_eq!(status, 201, "{rma}");
    let rma_id = rma["id"].as_str().unwrap();
    let admin = shop.admin();

    // Three staff members scan the same parcel at the same moment.
    let receive = format!("/api/admin/returns/{rma_id}/receive");
    let answers = join_all((0..3).map(|_| shop.call("POST", &receive, Some(&admin), None))).await;
    for (status, body) in &answers {
        assert!(*status == 200 || *status == 202, "{status} {body}");
        assert_eq!(body["id"], rma_id);
    }

    let rma = wait_for_refunded_return(&shop, &token, rma_id).await;
    assert_eq!(rma["restocked"], true);
    assert_eq!(rma["refunded"], true);
    let order = shop.wait_for_status(id, &["partially_refunded"]).await;
    assert_eq!(order["refunded_cents"], 1500);
    let (stock, refunded_cents, notes) = money_and_stock(&shop, &token, id, products[0]).await;
    assert_eq!(stock, on_hand + 1, "restocked once");
    assert_eq!(refunded_cents, 1500, "refunded once");
    assert_eq!(notes.len(), 1, "one credit note: {notes:?}");
    assert_eq!(notes[0]["amount_cents"], 1500);

    // The same `return.received`, delivered to orders three times at once.
    let event = json!({
        "event_id": uuid::Uuid::now_v7(), "return_id": rma_id, "number": rma["number"],
        "order_id": id, "lines": rma["lines"], "refund_cents": rma["refund_cents"],
    });
    let answers = join_all((0..3).map(|_| {
        shop.internal(
            &shop.orders,
            "POST",
            "/internal/returns",
            Some(event.clone()),
        )
    }))
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["progress"], "done");
        assert_eq!(body["key"], format!("rma:{rma_id}"));
    }
    let again = money_and_stock(&shop, &token, id, products[0]).await;
    assert_eq!(
        again,
        (stock, refunded_cents, notes),
        "nothing happened twice"
    );
    assert_eq!(shop.order(&token, id).await["refunded_cents"], 1500);
    let (_, rma) = shop
        .call("GET", &format!("/api/returns/{rma_id}"), Some(&token), None)
        .await;
    assert_eq!(rma["status"], "refunded");
}
