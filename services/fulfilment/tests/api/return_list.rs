//! `GET /api/returns`: a customer finds their own returns, staff find every
//! one, by order and by status, a page at a time; a bad parameter is a
//! problem naming it. Orders is down throughout, so a received return
//! waits for it, and the list says why.

use futures_util::future::join;
use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestKeys};
use uuid::Uuid;

use crate::{
    helpers::{get, nowhere, post, read},
    returns::{delivered_order, spawn, tokens},
};

/// A signed-in customer.
struct Buyer {
    id: Uuid,
    token: String,
}

fn buyer(keys: &TestKeys) -> Buyer {
    let (_, id, token) = tokens(keys);
    Buyer { id, token }
}

/// A delivered order of two units of one product.
struct Order {
    id: Uuid,
    product_id: Uuid,
}

async fn order_of(app: &TestApp, admin: &str, buyer: &Buyer) -> Order {
    let (id, product_id) = delivered_order(app, admin, buyer.id).await;
    Order { id, product_id }
}

/// `buyer` sends one unit of `order` back: the new return's id.
async fn return_one(app: &TestApp, buyer: &Buyer, order: &Order) -> String {
    let (status, rma) = post(
        app,
        "/api/returns",
        Some(&buyer.token),
        &json!({"order_id": order.id,
                "lines": [{"product_id": order.product_id, "quantity": 1}], "reason": "spare"}),
    )
    .await;
    assert_eq!(status, 201, "{rma}");
    rma["id"].as_str().unwrap().to_owned()
}

/// Staff receive the return `id`: the status answered.
async fn receive(app: &TestApp, admin: &str, id: &str) -> u16 {
    let path = format!("/api/admin/returns/{id}/receive");
    post(app, &path, Some(admin), &Value::Null).await.0
}

/// `GET /api/returns{query}` as `token`, which must answer 200: the page.
async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, page) = get(app, &format!("/api/returns{query}"), Some(token)).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

/// The ids of a page's returns, in its order.
fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_customer_lists_only_their_own_returns() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (admin, _, _) = tokens(&keys);
    let (alice, bob) = (buyer(&keys), buyer(&keys));
    let alices = order_of(&app, &admin, &alice).await;
    let bobs = order_of(&app, &admin, &bob).await;
    let alices_return = return_one(&app, &alice, &alices).await;
    let bobs_return = return_one(&app, &bob, &bobs).await;

    let page = list(&app, &alice.token, "").await;

    let (_, one) = get(
        &app,
        &format!("/api/returns/{alices_return}"),
        Some(&alice.token),
    )
    .await;
    assert_eq!(
        page,
        json!({"items": [one], "total": 1, "limit": 20, "offset": 0}),
        "alice's return, as GET /api/returns/{{id}} shows it"
    );
    assert_eq!(ids(&list(&app, &bob.token, "").await), [bobs_return]);
    // Naming someone else's order does not widen the list.
    let theirs = list(&app, &alice.token, &format!("?order_id={}", bobs.id)).await;
    assert_eq!(
        theirs,
        json!({"items": [], "total": 0, "limit": 20, "offset": 0})
    );
    let stranger = buyer(&keys);
    assert_eq!(list(&app, &stranger.token, "").await["total"], 0);
}

#[tokio::test]
async fn an_admin_lists_every_return_newest_first() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (admin, _, _) = tokens(&keys);
    let (alice, bob) = (buyer(&keys), buyer(&keys));
    let alices = order_of(&app, &admin, &alice).await;
    let bobs = order_of(&app, &admin, &bob).await;
    let first = return_one(&app, &alice, &alices).await;
    let second = return_one(&app, &bob, &bobs).await;
    let third = return_one(&app, &alice, &alices).await;

    let page = list(&app, &admin, "").await;

    assert_eq!(ids(&page), [&third, &second, &first]);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"][1]["user_id"], bob.id.to_string());
    let bobs_only = list(&app, &admin, &format!("?order_id={}", bobs.id)).await;
    assert_eq!(ids(&bobs_only), [&second]);
    assert_eq!(bobs_only["total"], 1);
}

#[tokio::test]
async fn returns_are_listed_by_order_and_by_status() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (admin, _, _) = tokens(&keys);
    let alice = buyer(&keys);
    let (one, two) = (
        order_of(&app, &admin, &alice).await,
        order_of(&app, &admin, &alice).await,
    );
    let refunded = return_one(&app, &alice, &one).await;
    let received = return_one(&app, &alice, &one).await;
    let requested = return_one(&app, &alice, &two).await;
    // Orders is down: both receives wait their few seconds, side by side.
    let (a, b) = join(
        receive(&app, &admin, &refunded),
        receive(&app, &admin, &received),
    )
    .await;
    assert_eq!((a, b), (202, 202));
    let (status, body) = post(
        &app,
        &format!("/internal/returns/{refunded}/refunded"),
        None,
        &json!({"event_id": Uuid::now_v7(), "return_id": refunded, "order_id": one.id,
                "refund_cents": 1200, "credit_note_number": "CN-2026-000001"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let by_order = list(&app, &alice.token, &format!("?order_id={}", one.id)).await;
    assert_eq!(ids(&by_order), [&received, &refunded]);
    assert_eq!(by_order["total"], 2);
    let other = list(&app, &alice.token, &format!("?order_id={}", two.id)).await;
    assert_eq!(ids(&other), [&requested]);

    for (query, expected) in [
        ("?status=requested", &requested),
        ("?status=refunded", &refunded),
        ("?status=%20received%20", &received),
    ] {
        let page = list(&app, &alice.token, query).await;
        assert_eq!(ids(&page), [expected], "{query}");
        assert_eq!(page["total"], 1, "{query}");
    }
    let waiting = list(&app, &admin, "?status=received").await;
    assert!(
        waiting["items"][0]["last_error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "a received return shows why orders has not taken it: {waiting}"
    );
    let done = list(&app, &alice.token, "?status=refunded").await;
    assert_eq!(done["items"][0]["refunded"], true);
    assert!(done["items"][0].get("last_error").is_none(), "{done}");

    let both = list(
        &app,
        &alice.token,
        &format!("?order_id={}&status=requested", one.id),
    )
    .await;
    assert_eq!(both["total"], 0, "both filters apply: {both}");
    assert_eq!(list(&app, &alice.token, "?status=").await["total"], 3);
}

#[tokio::test]
async fn a_long_list_comes_a_page_at_a_time_with_the_total_of_every_page() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (admin, _, _) = tokens(&keys);
    let (alice, bob) = (buyer(&keys), buyer(&keys));
    let (one, two) = (
        order_of(&app, &admin, &alice).await,
        order_of(&app, &admin, &alice).await,
    );
    let oldest = return_one(&app, &alice, &one).await;
    let middle = return_one(&app, &alice, &one).await;
    let newest = return_one(&app, &alice, &two).await;
    // Bob's return is counted in nobody's list but his (and staff's).
    let bobs = order_of(&app, &admin, &bob).await;
    return_one(&app, &bob, &bobs).await;

    let first = list(&app, &alice.token, "?limit=2").await;
    let second = list(&app, &alice.token, "?limit=2&offset=2").await;
    let beyond = list(&app, &alice.token, "?offset=3").await;
    let widest = list(&app, &alice.token, "?limit=100").await;

    assert_eq!(ids(&first), [&newest, &middle]);
    assert_eq!(
        (&first["total"], &first["limit"], &first["offset"]),
        (&json!(3), &json!(2), &json!(0))
    );
    assert_eq!(ids(&second), [&oldest]);
    assert_eq!(
        (&second["total"], &second["limit"], &second["offset"]),
        (&json!(3), &json!(2), &json!(2))
    );
    assert_eq!(ids(&beyond), Vec::<&str>::new());
    assert_eq!(
        (&beyond["total"], &beyond["limit"], &beyond["offset"]),
        (&json!(3), &json!(20), &json!(3))
    );
    assert_eq!(ids(&widest).len(), 3);
    assert_eq!(widest["limit"], 100);
    assert_eq!(list(&app, &admin, "?limit=1").await["total"], 4);
}

#[tokio::test]
async fn a_bad_list_parameter_is_a_problem_naming_it() {
    let keys = TestKeys::generate();
    let (app, _users) = spawn(&keys, &nowhere()).await;
    let (_, _, customer) = tokens(&keys);

    for (query, status, code, field, reason) in [
        (
            "order_id=not-a-uuid",
            400,
            "invalid_query",
            "order_id",
            None,
        ),
        ("limit=ten", 400, "invalid_query", "limit", None),
        (
            "status=lost",
            422,
            "validation_failed",
            "status",
            Some("must be requested, received or refunded"),
        ),
        (
            "limit=0",
            422,
            "validation_failed",
            "limit",
            Some("must be between 1 and 100"),
        ),
        (
            "limit=101",
            422,
            "validation_failed",
            "limit",
            Some("must be between 1 and 100"),
        ),
        (
            "offset=-1",
            422,
            "validation_failed",
            "offset",
            Some("must not be negative"),
        ),
    ] {
        let response = app
            .http
            .get(app.url(&format!("/api/returns?{query}")))
            .bearer_auth(&customer)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let (got, body) = read(response).await;
        assert_eq!(got, status, "{query}: {body}");
        assert_eq!(body["code"], code, "{query}: {body}");
        let named = &body["fields"][field];
        match reason {
            Some(reason) => assert_eq!(named, reason, "{query}: {body}"),
            None => assert!(named.is_string(), "{query} names {field}: {body}"),
        }
    }

    let (status, body) = get(&app, "/api/returns", None).await;
    assert_eq!(status, 401, "{body}");
}
