//! Routing, pass-through and upstream failures.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shop_client::ServiceName::{self, *};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::{closed_url, spawn_gateway};

async fn answer_everything(gateway: &crate::helpers::TestGateway, service: ServiceName) {
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"served_by": service.as_str()})),
        )
        .mount(gateway.double(service))
        .await;
}

#[tokio::test]
async fn each_prefix_reaches_its_service_with_method_path_query_and_body_intact() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        answer_everything(&gateway, service).await;
    }
    let cases = [
        ("POST", "/api/auth/login", Users),
        ("GET", "/api/users/me?expand=addresses", Users),
        (
            "GET",
            "/api/products?q=red%20mug&min_price_cents=100&sort=-price",
            Catalogue,
        ),
        ("PUT", "/api/products/abc/stock", Catalogue),
        ("GET", "/api/categories", Catalogue),
        ("PATCH", "/api/cart/items/42", Orders),
        ("POST", "/api/orders", Orders),
        ("GET", "/api/orders/7/shipment", Fulfilment),
        ("DELETE", "/api/cart/items/42", Orders),
        ("GET", "/api/payments?order_id=7", Payments),
        ("POST", "/api/returns", Fulfilment),
        ("POST", "/api/admin/packing-tasks/9/packed", Fulfilment),
    ];
    let token = gateway.token();
    for (verb, target, service) in cases {
        let body = json!({"target": target, "n": 1});
        let response = gateway
            .http
            .request(verb.parse().unwrap(), gateway.url(target))
            .header("x-custom", "kept")
            .bearer_auth(&token)
            .header("x-internal-token", "a client must never pass this")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{verb} {target}");
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["served_by"], service.as_str(), "{verb} {target}");

        let received = gateway.double(service).received_requests().await.unwrap();
        let seen = received.last().unwrap();
        assert_eq!(seen.method.as_str(), verb);
        let seen_target = match seen.url.query() {
            Some(q) => format!("{}?{q}", seen.url.path()),
            None => seen.url.path().to_owned(),
        };
        assert_eq!(seen_target, target);
        assert_eq!(serde_json::from_slice::<Value>(&seen.body).unwrap(), body);
        assert_eq!(seen.headers["x-custom"], "kept");
        assert_eq!(
            seen.headers["authorization"].to_str().unwrap(),
            format!("Bearer {token}")
        );
        assert_eq!(seen.headers["x-request-id"].to_str().unwrap(), request_id);
        assert!(
            seen.headers.contains_key("traceparent"),
            "{verb} {target}: no traceparent"
        );
        assert!(
            !seen.headers.contains_key("x-internal-token"),
            "the internal token leaked"
        );
    }
}

#[tokio::test]
async fn the_callers_trace_continues_and_its_request_id_is_kept() {
    let gateway = spawn_gateway(&[]).await;
    answer_everything(&gateway, Catalogue).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";

    let response = gateway
        .http
        .get(gateway.url("/api/products"))
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .header("x-request-id", "client-chosen-id")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "client-chosen-id");
    let received = gateway.double(Catalogue).received_requests().await.unwrap();
    let traceparent = received[0].headers["traceparent"]
        .to_str()
        .unwrap()
        .to_owned();
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts[1], trace_id, "same trace: {traceparent}");
    assert_ne!(
        parts[2], "00f067aa0ba902b7",
        "a new span of the gateway's: {traceparent}"
    );
    assert_eq!(received[0].headers["x-request-id"], "client-chosen-id");
}

#[tokio::test]
async fn a_service_error_passes_through_unchanged() {
    let gateway = spawn_gateway(&[]).await;
    Mock::given(method("POST"))
        .and(path("/api/orders"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("retry-after", "3")
                .set_body_raw(r#"{"code":"out_of_stock"}"#, "application/problem+json"),
        )
        .mount(gateway.double(Orders))
        .await;

    let response = gateway
        .http
        .post(gateway.url("/api/orders"))
        .bearer_auth(gateway.token())
        .json(&json!({}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 409);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "out_of_stock"
    );
}

#[tokio::test]
async fn internal_routes_are_never_routed() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        answer_everything(&gateway, service).await;
    }
    for target in [
        "/internal/reservations",
        "/api/internal/payments",
        "/internal/fulfilments",
    ] {
        let response = gateway
            .http
            .post(gateway.url(target))
            .header("x-internal-token", "dev-internal-token")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{target}");
        assert_eq!(response.json::<Value>().await.unwrap()["code"], "not_found");
    }
    for service in ServiceName::ALL {
        let received = gateway.double(service).received_requests().await.unwrap();
        assert!(
            received.iter().all(|r| r.url.path() == "/health/ready"),
            "{service} got {received:?}"
        );
    }
}

#[tokio::test]
async fn a_stopped_service_is_a_503_problem_naming_it() {
    let gateway = spawn_gateway(&[("ORDERS_URL", closed_url())]).await;

    let response = gateway
        .http
        .get(gateway.url("/api/orders"))
        .bearer_auth(gateway.token())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "upstream_unavailable");
    assert_eq!(body["service"], "orders");
    assert!(body["detail"].as_str().unwrap().contains("orders"));
    assert!(body["request_id"].is_string());
}

#[tokio::test]
async fn a_hanging_service_is_a_504_within_the_timeout() {
    let gateway = spawn_gateway(&[("GATEWAY_UPSTREAM_TIMEOUT_MS", "300".to_owned())]).await;
    Mock::given(method("GET"))
        .and(path("/api/products"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(gateway.double(Catalogue))
        .await;

    let start = Instant::now();
    let response = gateway
        .http
        .get(gateway.url("/api/products"))
        .send()
        .await
        .unwrap();
    let elapsed = start.elapsed();

    assert_eq!(response.status(), 504);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "upstream_timeout");
    assert_eq!(body["service"], "catalogue");
    assert!(
        elapsed < Duration::from_secs(2),
        "answered after {elapsed:?}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_reaches_a_service() {
    let gateway = spawn_gateway(&[("BODY_LIMIT_BYTES", "1024".to_owned())]).await;
    answer_everything(&gateway, Orders).await;

    let response = gateway
        .http
        .post(gateway.url("/api/orders"))
        .bearer_auth(gateway.token())
        .header("content-type", "application/json")
        .body(vec![b' '; 4096])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
    assert_eq!(
        response.json::<Value>().await.unwrap()["code"],
        "body_too_large"
    );
    let received = gateway.double(Orders).received_requests().await.unwrap();
    assert!(received.iter().all(|r| r.url.path() != "/api/orders"));
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused() {
    let gateway = spawn_gateway(&[("BODY_LIMIT_BYTES", "1024".to_owned())]).await;
    answer_everything(&gateway, Orders).await;
    let chunks =
        futures_util::stream::iter((0..8).map(|_| Ok::<_, std::io::Error>(vec![b' '; 512])));

    let response = gateway
        .http
        .post(gateway.url("/api/orders"))
        .bearer_auth(gateway.token())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
}
