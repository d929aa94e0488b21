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
