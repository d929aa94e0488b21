//! shop-client against an HTTP test double: retries, error decoding, propagation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use shop_client::{
    CatalogueClient, ClientConfig, ClientError, HttpClient, ReserveError,
    context::REQUEST_ID,
    wire::{ErrorCode, catalogue::ReservationRequest},
};
use url::Url;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, header_exists, method, path},
};

fn config() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_millis(500),
        retry_base_delay: Duration::from_millis(1),
        internal_token: Some("secret-internal-token".to_owned()),
        ..ClientConfig::default()
    }
}

async fn client_for(server: &MockServer) -> HttpClient {
    HttpClient::new("catalogue", Url::parse(&server.uri()).unwrap(), &config()).unwrap()
}

#[tokio::test]
async fn a_failing_get_is_retried_until_it_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/products"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/products"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;

    let body: Value = client_for(&server)
        .await
        .get_json("/api/products")
        .await
        .unwrap();

    assert_eq!(body, json!({"ok": true}));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_get_gives_up_after_the_configured_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = client_for(&server)
        .await
        .get_json::<Value>("/api/products")
        .await
        .unwrap_err();

    assert!(err.is_unavailable(), "{err:?}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "1 try + 2 retries"
    );
}

#[tokio::test]
async fn a_failing_post_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;

    let err = client_for(&server)
        .await
        .post_json::<_, Value>("/internal/reservations", &json!({}))
        .await
        .unwrap_err();

    assert!(err.is_unavailable(), "a 503 is unavailable: {err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_problem_json_error_decodes_into_the_typed_error_with_its_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(json!({
                    "type": "urn:shop:problem:out_of_stock",
                    "title": "Conflict",
                    "status": 409,
                    "detail": "not enough stock",
                    "code": "out_of_stock",
                    "request_id": "r-1"
                })),
        )
        .mount(&server)
        .await;

    let err = client_for(&server)
        .await
        .post_json::<_, Value>("/internal/reservations", &json!({}))
        .await
        .unwrap_err();

    match err {
        ClientError::Problem { service, problem } => {
            assert_eq!(problem.code, ErrorCode::OutOfStock);
            assert_eq!(service, "catalogue");
            assert_eq!(problem.status, 409);
            assert_eq!(problem.detail.as_deref(), Some("not enough stock"));
        }
        other => panic!("expected a problem, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refusal_is_a_typed_variant_of_the_calls_error() {
    let server = MockServer::start().await;
    let product = uuid::Uuid::now_v7();
    Mock::given(method("POST"))
        .and(path("/internal/reservations"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("content-type", "application/problem+json")
                .set_body_json(json!({
                    "type": "urn:shop:problem:out_of_stock", "title": "Conflict", "status": 409,
                    "code": "out_of_stock",
                    "lines": [{"product_id": product, "requested": 3, "available": 1}]
                })),
        )
        .mount(&server)
        .await;
    let catalogue = CatalogueClient::new(Url::parse(&server.uri()).unwrap(), &config()).unwrap();
    let request = ReservationRequest {
        reservation_id: uuid::Uuid::now_v7(),
        items: Vec::new(),
        ttl_seconds: None,
    };
    match catalogue.reserve(&request).await {
        Err(ReserveError::OutOfStock { lines }) => {
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].product_id, product);
            assert_eq!((lines[0].requested, lines[0].available), (3, 1));
        }
        other => panic!("expected out of stock, got {other:?}"),
    }
    // A code this build does not know is kept, not a decoding failure.
    assert_eq!(
        serde_json::from_value::<shop_client::wire::ProblemDetails>(json!({
            "type": "urn:shop:problem:new", "title": "New", "status": 409, "code": "from_a_newer_server"
        }))
        .unwrap()
        .code,
        ErrorCode::Other("from_a_newer_server".to_owned())
    );
}

#[tokio::test]
async fn an_unreachable_service_is_reported_as_unavailable() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = HttpClient::new(
        "payments",
        Url::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        &config(),
    )
    .unwrap();

    let err = client.get_json::<Value>("/health/ready").await.unwrap_err();

    assert!(
        matches!(
            err,
            ClientError::Unreachable {
                service: "payments",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_unavailable());
}

#[tokio::test]
async fn internal_calls_carry_the_token_and_the_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/internal/reservations"))
        .and(header("x-internal-token", "secret-internal-token"))
        .and(header("x-request-id", "req-42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/products"))
        .and(header_exists("x-internal-token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server).await;

    REQUEST_ID
        .scope("req-42".to_owned(), async {
            let _: Value = client
                .post_json("/internal/reservations", &json!({}))
                .await
                .unwrap();
        })
        .await;
    let response = client
        .send(client.request(Method::GET, "/api/products").unwrap())
        .await
        .unwrap();

    assert_eq!(
        response.status(),
        404,
        "public calls carry no internal token"
    );
}

#[test]
fn a_path_can_never_change_the_service_or_resolve_dot_segments() {
    let client = HttpClient::new(
        "catalogue",
        Url::parse("http://catalogue:9002").unwrap(),
        &config(),
    )
    .unwrap();
    for bad in [
        "//evil.example/api/products",
        "api/products",
        "/api/products/../../metrics",
        "/api/products/%2e%2e/%2e%2e/metrics",
        "/api/products/..\\..\\metrics",
        "/api/products/./x",
        "/api/products#fragment",
    ] {
        assert!(client.url_for(bad).is_err(), "{bad}");
    }
    let url = client.url_for("/api/products/MUG-1?q=a%20b").unwrap();
    assert_eq!(
        url.as_str(),
        "http://catalogue:9002/api/products/MUG-1?q=a%20b"
    );
    assert_eq!(url.host_str(), Some("catalogue"));
}
