//! The back office's view of orders: admins list every order (filtered and
//! paged) and set the statuses staff may set; customers keep seeing only
//! their own.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{DECLINED_CARD, GOOD_CARD, Shop, card, checkout_body, spawn_shop};

/// Checks out one unit of `product` with `payment`; returns the 201 body.
async fn place_order(shop: &Shop, token: &str, product: Uuid, payment: Value) -> Value {
    shop.add_to_cart(token, product, 1).await;
    let (status, order) = shop
        .checkout(token, &Uuid::now_v7().to_string(), &checkout_body(payment))
        .await;
    assert!(status == 201 || status == 402, "{status}: {order}");
    order
}

/// `GET /api/orders?{query}` as the holder of `token`.
async fn list(shop: &Shop, token: &str, query: &str) -> (u16, Value) {
    shop.call("GET", &format!("/api/orders?{query}"), Some(token), None)
        .await
}

/// The ids of a list page, in order.
fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `POST /api/orders/{id}/status` with `{"status": status}`.
async fn set_status(shop: &Shop, token: &str, id: &str, status: &str) -> (u16, Value) {
    shop.call(
        "POST",
        &format!("/api/orders/{id}/status"),
        Some(token),
        Some(json!({ "status": status })),
    )
    .await
}

#[tokio::test]
async fn an_admin_lists_every_customers_orders_newest_first_a_page_at_a_time() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 20).await;
    let (_, ann) = shop.shopper();
    let (_, ben) = shop.shopper();
    let first = place_order(&shop, &ann, product, card(GOOD_CARD)).await;
    let second = place_order(&shop, &ben, product, card(GOOD_CARD)).await;
    let admin = shop.admin();

    let (status, page) = list(&shop, &admin, "").await;

    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page["total"], 2,
        "the admin sees both buyers' orders: {page}"
    );
    assert_eq!(page["limit"], 20);
    assert_eq!(page["offset"], 0);
    assert_eq!(
        ids(&page),
        [&second["id"], &first["id"]].map(|v| v.as_str().unwrap().to_owned()),
        "newest first"
    );
    assert_eq!(page["items"][0]["lines"][0]["quantity"], 1, "{page}");
    assert!(page["items"][0]["invoice_number"].is_string(), "{page}");

    let (_, one) = list(&shop, &admin, "limit=1").await;
    let (_, next) = list(&shop, &admin, "limit=1&offset=1").await;
    let (_, past) = list(&shop, &admin, "limit=1&offset=2").await;
    assert_eq!(
        (one["total"].clone(), one["limit"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(ids(&one), [second["id"].as_str().unwrap()]);
    assert_eq!(ids(&next), [first["id"].as_str().unwrap()]);
    assert_eq!(next["offset"], 1);
    assert_eq!(past["items"], json!([]), "{past}");
    assert_eq!(past["total"], 2);

    let (status, body) = list(&shop, &admin, "limit=101").await;
    assert_eq!(status, 422, "{body}");
    assert!(body["fields"]["limit"].is_string(), "{body}");
}

#[tokio::test]
async fn status_buyer_and_creation_time_filters_narrow_the_admin_list() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 20).await;
    let (ann_id, ann) = shop.shopper();
    let (ben_id, ben) = shop.shopper();
    place_order(&shop, &ann, product, card(GOOD_CARD)).await;
    place_order(&shop, &ben, product, card(GOOD_CARD)).await;
    place_order(&shop, &ben, product, card(DECLINED_CARD)).await;
    let admin = shop.admin();
    let (_, all) = list(&shop, &admin, "").await;
    assert_eq!(all["total"], 3, "{all}");
    // Newest first: [declined (ben), paid (ben), paid (ann)].
    let all_ids = ids(&all);
    let created = |i: usize| all["items"][i]["created_at"].as_str().unwrap().to_owned();

    let (_, paid) = list(&shop, &admin, "status=paid").await;
    assert_eq!(paid["total"], 2, "{paid}");
    assert_eq!(ids(&paid), all_ids[1..]);
    let (_, failed) = list(&shop, &admin, "status=payment_failed").await;
    assert_eq!(ids(&failed), all_ids[..1]);

    let (_, bens) = list(&shop, &admin, &format!("user_id={ben_id}")).await;
    assert_eq!(bens["total"], 2, "{bens}");
    assert!(
        bens["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["user_id"] == ben_id.to_string())
    );
    let (_, bens_paid) = list(&shop, &admin, &format!("user_id={ben_id}&status=paid")).await;
    assert_eq!(ids(&bens_paid), all_ids[1..2]);
    let (_, anns) = list(&shop, &admin, &format!("user_id={ann_id}")).await;
    assert_eq!(ids(&anns), all_ids[2..]);

    // `created_from` is inclusive, `created_to` exclusive.
    let (_, since) = list(&shop, &admin, &format!("created_from={}", created(1))).await;
    assert_eq!(since["total"], 2, "{since}");
    assert_eq!(ids(&since), all_ids[..2]);
    let (_, before) = list(&shop, &admin, &format!("created_to={}", created(1))).await;
    assert_eq!(ids(&before), all_ids[2..]);
    let (_, between) = list(
        &shop,
        &admin,
        &format!("created_from={}&created_to={}", created(2), created(0)),
    )
    .await;
    assert_eq!(between["total"], 2, "{between}");
    assert_eq!(ids(&between), all_ids[1..]);
    let (_, none) = list(
        &shop,
        &admin,
        "created_from=2000-01-01T00:00:00Z&created_to=2000-01-02T00:00:00Z",
    )
    .await;
    assert_eq!(
        (none["total"].clone(), none["items"].clone()),
        (json!(0), json!([]))
    );
}

#[tokio::test]
async fn a_customer_sees_only_their_own_orders_and_cannot_widen_the_list_with_user_id() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 20).await;
    let (ann_id, ann) = shop.shopper();
    let (ben_id, ben) = shop.shopper();
    let mine = place_order(&shop, &ann, product, card(GOOD_CARD)).await;
    place_order(&shop, &ben, product, card(GOOD_CARD)).await;
    place_order(&shop, &ben, product, card(DECLINED_CARD)).await;

    let (status, own) = list(&shop, &ann, "").await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["total"], 1, "{own}");
    assert_eq!(ids(&own), [mine["id"].as_str().unwrap()]);
    let (_, own_paid) = list(&shop, &ann, "status=paid").await;
    assert_eq!(own_paid["total"], 1, "{own_paid}");
    let (_, own_failed) = list(&shop, &ann, "status=payment_failed").await;
    assert_eq!(
        own_failed["total"], 0,
        "ben's declined order is not ann's: {own_failed}"
    );
    let (_, by_own_id) = list(&shop, &ann, &format!("user_id={ann_id}")).await;
    assert_eq!(by_own_id["total"], 1, "{by_own_id}");

    let (status, body) = list(&shop, &ann, &format!("user_id={ben_id}")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "forbidden");
    assert!(body["fields"]["user_id"].is_string(), "{body}");
    assert!(
        body.get("items").is_none(),
        "nothing of ben's leaks: {body}"
    );
}

#[tokio::test]
async fn bad_list_filters_are_4xx_naming_the_parameter_without_echoing_it() {
    let shop = spawn_shop().await;
    let admin = shop.admin();
    let cases = [
        ("status=lost-4111", 422, "status"),
        ("created_from=yesterday-4111", 400, "created_from"),
        ("created_to=2026-13-01T00:00:00Z", 400, "created_to"),
        (
            "created_from=2026-02-01T00:00:00Z&created_to=2026-01-01T00:00:00Z",
            422,
            "created_from",
        ),
        ("user_id=not-a-uuid-4111", 400, "user_id"),
        ("offset=-1", 422, "offset"),
        ("limit=lots", 400, "limit"),
    ];
    for (query, expected, field) in cases {
        let (status, body) = list(&shop, &admin, query).await;
        assert_eq!(status, expected, "{query}: {body}");
        assert!(body["fields"][field].is_string(), "{query}: {body}");
        assert!(!body.to_string().contains("4111"), "{query}: {body}");
    }
}

#[tokio::test]
async fn an_admin_cancels_a_paid_order_through_the_status_route_with_refund_and_credit_note() {
    let shop = spawn_shop().await;
    let product = shop.product(2500, 5).await;
    let (_, token) = shop.customer(10_000).await;
    shop.add_to_cart(&token, product, 2).await;
    let (status, order) = shop
        .checkout(
            &token,
            "admin-cancel",
            &checkout_body(json!({"type": "wallet"})),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().unwrap().to_owned();
    shop.wait_for_packing_task(&id).await;
    let admin = shop.admin();

    let (status, cancelled) = set_status(&shop, &admin, &id, "cancelled").await;
    let (again, repeated) = set_status(&shop, &admin, &id, "cancelled").await;

    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["refunded_cents"], 5000);
    assert_eq!(again, 200, "asking twice is harmless: {repeated}");
    assert_eq!(repeated["status"], "cancelled");
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
            Some(&admin),
            None,
        )
        .await;
    let notes = invoice["credit_notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invoice}");
    assert_eq!(notes[0]["amount_cents"], 5000);
    let task = shop.wait_for_packing_task(&id).await;
    assert_eq!(task["status"], "cancelled", "nobody packs it");
    let (_, listed) = list(&shop, &admin, "status=cancelled").await;
    assert_eq!(ids(&listed), [id]);
}

#[tokio::test]
async fn staff_cannot_set_statuses_fulfilment_or_returns_own_and_customers_cannot_use_the_route() {
    let shop = spawn_shop().await;
    let product = shop.product(1000, 10).await;
    let (_, token) = shop.shopper();
    let order = place_order(&shop, &token, product, card(GOOD_CARD)).await;
    let id = order["id"].as_str().unwrap().to_owned();
    shop.wait_for_packing_task(&id).await;
    let admin = shop.admin();

    for status in [
        "shipped",
        "delivered",
        "packing",
        "refunded",
        "partially_refunded",
        "paid",
        "pending",
    ] {
        let (code, body) = set_status(&shop, &admin, &id, status).await;
        assert_eq!(code, 409, "{status}: {body}");
        assert_eq!(body["code"], "invalid_transition", "{status}: {body}");
    }
    let (code, body) = set_status(&shop, &admin, &id, "lost-4111").await;
    assert_eq!(code, 422, "{body}");
    assert!(body["fields"]["status"].is_string(), "{body}");
    assert!(!body.to_string().contains("4111"), "{body}");
    let (code, body) = set_status(&shop, &token, &id, "cancelled").await;
    assert_eq!(code, 403, "a customer may not use the staff route: {body}");
    assert_eq!(body["code"], "forbidden");
    let (code, _) = set_status(&shop, &admin, &Uuid::now_v7().to_string(), "cancelled").await;
    assert_eq!(code, 404);
    let unchanged = shop.order(&admin, &id).await;
    assert_eq!(unchanged["status"], "paid", "{unchanged}");
    assert_eq!(unchanged["refunded_cents"], 0);

    // Once fulfilment reports packing, cancelling is a return's job.
    let (code, body) = shop
        .internal(
            &shop.orders,
            "POST",
            &format!("/internal/orders/{id}/status"),
            Some(json!({"event_id": Uuid::now_v7(), "status": "packing"})),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let (code, body) = set_status(&shop, &admin, &id, "cancelled").await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(body["code"], "invalid_transition");
    let packing = shop.order(&admin, &id).await;
    assert_eq!(packing["status"], "packing", "{packing}");
    assert_eq!(packing["refunded_cents"], 0);
    assert_eq!(shop.stock(product).await, (9, 0), "nothing was restocked");
}

#[test]
fn the_openapi_document_describes_the_list_filters_and_the_staff_status_route() {
    use utoipa::OpenApi as _;
    let doc = serde_json::to_value(orders::routes::ApiDoc::openapi()).unwrap();
    let params: Vec<(&str, &str)> = doc["paths"]["/api/orders"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
        .collect();
    for name in [
        "limit",
        "offset",
        "status",
        "user_id",
        "created_from",
        "created_to",
    ] {
        assert!(params.contains(&(name, "query")), "{name}: {params:?}");
    }
    let route = &doc["paths"]["/api/orders/{id}/status"]["post"];
    for status in ["200", "403", "409", "422"] {
        assert!(route["responses"][status].is_object(), "{status}: {route}");
    }
    assert!(
        doc["components"]["schemas"]["AdminStatusRequest"].is_object(),
        "{}",
        doc["components"]["schemas"]
    );
}
