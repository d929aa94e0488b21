//! Many buyers at once: stock is never oversold and money matches orders.

use futures_util::future::join_all;

use crate::helpers::{GOOD_CARD, card, checkout_body, spawn_shop};

#[tokio::test]
async fn a_hundred_buyers_for_thirty_units_make_exactly_thirty_paid_orders() {
    let shop = spawn_shop().await;
    let product = shop.product(1999, 30).await;
    let buyers: Vec<_> = (0..100).map(|_| shop.shopper().1).collect();
    for token in &buyers {
        shop.add_to_cart(token, product, 1).await;
    }
    let body = checkout_body(card(GOOD_CARD));

    let keys: Vec<String> = (0..buyers.len()).map(|i| format!("buyer-{i}")).collect();

    let answers = join_all(
        buyers
            .iter()
            .zip(&keys)
            .map(|(token, key)| shop.checkout(token, key, &body)),
    )
    .await;

    let paid: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
    let sold_out = answers
        .iter()
        .filter(|(s, b)| *s == 409 && b["code"] == "out_of_stock")
        .count();
    assert_eq!(
        paid.len(),
        30,
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    assert_eq!(sold_out, 70);
    assert_eq!(
        shop.stock(product).await,
        (0, 0),
        "all sold, nothing held, never below zero"
    );
    let mut captured = 0;
    let mut totals = 0;
    for (_, order) in &paid {
        totals += order["total_cents"].as_i64().unwrap();
        let payment = shop
            .payment_of(order["id"].as_str().unwrap())
            .await
            .expect("a paid order has a payment");
        assert_eq!(payment["status"], "succeeded");
        captured += payment["amount_cents"].as_i64().unwrap();
    }
    assert_eq!(captured, totals);
    assert_eq!(totals, 30 * 1999);
    assert_eq!(
        shop.metric(shop.payments(), "card_processor_captures_total")
            .await,
        30.0
    );
}
