//! `/health` aggregated over the five services, OpenAPI and docs.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use shop_client::ServiceName;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::{healthy_double, spawn_gateway, spawn_gateway_with};

#[tokio::test]
async fn health_is_ok_when_every_service_is_ready() {
    let gateway = spawn_gateway(&[]).await;

    let response = gateway
        .http
        .get(gateway.url("/health"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    for service in ServiceName::ALL {
        assert_eq!(body["checks"][service.as_str()]["status"], "up", "{body}");
    }
}

#[tokio::test]
async fn health_is_503_naming_a_service_that_is_down() {
    let mut doubles = BTreeMap::new();
    for service in ServiceName::ALL {
        doubles.insert(service, healthy_double(service).await);
    }
    // Payments answers, but says its database is down.
    let payments = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health/ready"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "status": "down", "service": "payments", "version": "test",
            "checks": {"postgres": {"status": "down", "latency_ms": 1}}
        })))
        .mount(&payments)
        .await;
    doubles.insert(ServiceName::Payments, payments);
    let gateway =
        spawn_gateway_with(doubles, &[("FULFILMENT_URL", crate::helpers::closed_url())]).await;

    let response = gateway
        .http
        .get(gateway.url("/health"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "down");
    assert_eq!(body["checks"]["payments"]["status"], "down", "{body}");
    assert_eq!(body["checks"]["fulfilment"]["status"], "down", "{body}");
    assert_eq!(body["checks"]["orders"]["status"], "up", "{body}");
}

#[tokio::test]
async fn the_openapi_document_merges_every_service() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        let name = service.as_str();
        Mock::given(method("GET"))
            .and(path("/openapi.json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "openapi": "3.1.0",
                "info": {"title": name, "version": "1"},
                "paths": {
                    format!("/api/{name}-thing"): {"get": {"responses": {"200": {"description": "ok"}}}},
                    format!("/internal/{name}-secret"): {"post": {"responses": {"200": {"description": "ok"}}}}
                }
            })))
            .mount(gateway.double(service))
            .await;
    }

    let doc: Value = gateway
        .http
        .get(gateway.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(doc["info"]["title"], "shop");
    for service in ServiceName::ALL {
        let name = service.as_str();
        assert!(
            doc["paths"][format!("/api/{name}-thing")].is_object(),
            "{doc}"
        );
        assert!(
            doc["paths"][format!("/internal/{name}-secret")].is_null(),
            "internal path published: {doc}"
        );
    }
}

#[tokio::test]
async fn the_docs_page_is_served() {
    let gateway = spawn_gateway(&[]).await;

    let response = gateway
        .http
        .get(gateway.url("/docs/"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn the_gateways_document_lists_exactly_the_routes_it_serves_and_answers_405_for_others() {
    let gateway = spawn_gateway(&[]).await;
    let doc: serde_json::Value = gateway
        .http
        .get(gateway.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let own: serde_json::Value = serde_json::json!({"paths": doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| !path.starts_with("/api/"))
        .map(|(path, item)| (path.clone(), item.clone()))
        .collect::<serde_json::Map<_, _>>()});
    shop_kit::testing::assert_routes_match_document(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &own,
    );
    let response = gateway
        .http
        .delete(gateway.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET");
}

/// An idle connection outlives actix's default keep-alive (5 s): the shop's
/// clients keep theirs for `POOL_IDLE_TIMEOUT`, so a server that closed
/// sooner could close one just as a request went out on it (a 503 the
/// fuzzer found between the gateway and orders).
#[tokio::test]
async fn an_idle_connection_stays_open_past_five_seconds() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    assert!(shop_kit::server::KEEP_ALIVE > shop_client::http::POOL_IDLE_TIMEOUT);
    let gateway = spawn_gateway(&[]).await;
    let address = gateway.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = b"GET /health/live HTTP/1.1\r\nHost: shop\r\n\r\n";
    let mut answer = vec![0; 4096];
    for round in 0..2 {
        if round == 1 {
            tokio::time::sleep(std::time::Duration::from_secs(6)).await;
        }
        stream.write_all(request).await.unwrap();
        let read = stream.read(&mut answer).await.unwrap();
        let head = String::from_utf8_lossy(&answer[..read]);
        assert!(head.starts_with("HTTP/1.1 200"), "round {round}: {head:?}");
    }
}
