//! Paths that could mean one thing to the gateway and another to a service:
//! dot segments, encoded slashes and backslashes, control characters,
//! overlong and double encodings. Each is refused with a 400 and never
//! forwarded, whatever prefix it hides behind.

use serde_json::{Value, json};
use shop_client::ServiceName;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::{TestGateway, spawn_gateway};

/// Sends `GET path` exactly as written (HTTP clients resolve `..` and
/// `%2e%2e` before sending, as `curl --path-as-is` does not) and returns
/// the status and the body.
async fn raw_get(gateway: &TestGateway, path: &str, token: &str) -> (u16, String, Value) {
    let address = gateway.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    // A chunked body: take the JSON object inside.
    let json = body
        .find('{')
        .and_then(|start| body.rfind('}').map(|end| &body[start..=end]))
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    (status, content_type, json)
}

/// What every service double was asked, but for health and keys.
async fn forwarded(gateway: &TestGateway) -> Vec<String> {
    let mut seen = Vec::new();
    for service in ServiceName::ALL {
        for request in gateway.double(service).received_requests().await.unwrap() {
            let path = request.url.path().to_owned();
            if path != "/health/ready" && path != "/.well-known/jwks.json" {
                seen.push(format!("{service}: {path}"));
            }
        }
    }
    seen
}

#[tokio::test]
async fn dot_segments_and_encoded_slashes_are_refused_behind_every_prefix_and_never_forwarded() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"leaked": true})))
            .mount(gateway.double(service))
            .await;
    }
    let token = gateway.token();
    let prefixes = [
        "/api/auth",
        "/api/users",
        "/api/users/me",
        "/api/products",
        "/api/categories",
        "/api/cache",
        "/api/cart",
        "/api/orders",
        "/api/orders/1",
        "/api/payments",
        "/api/shipments",
        "/api/returns",
        "/api/admin/packing-tasks",
        "/api/admin/returns",
    ];
    let spellings = [
        "../../metrics",
        "../../health/ready",
        "./../../metrics",
        "%2e%2e/%2e%2e/metrics",
        "%2E%2E/%2E%2E/internal/users/1",
        ".%2e/.%2e/metrics",
        "%2e./%2e./metrics",
        "%252e%252e/%252e%252e/metrics",
        "%25252e%25252e/metrics",
        "..%2f..%2fmetrics",
        "..%2F..%2Finternal%2Fusers%2F1",
        "%2f..%2f..%2fmetrics",
        "..%252f..%252fmetrics",
        "..%5c..%5cmetrics",
        "..\\..\\metrics",
        "%5c%5cinternal",
        "%c0%ae%c0%ae/%c0%ae%c0%ae/metrics",
        "%e0%80%ae%e0%80%ae/metrics",
        "%c0%af..%c0%afmetrics",
        "%ef%bc%8e%ef%bc%8e/metrics",
        "%00/../metrics",
        "a%00b",
        "/../internal/users/1",
    ];
    for prefix in prefixes {
        for spelling in spellings {
            let path = format!("{prefix}/{spelling}");
            let (status, content_type, body) = raw_get(&gateway, &path, &token).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(content_type, "application/problem+json", "{path}");
            assert_eq!(body["code"], "invalid_path", "{path}: {body}");
        }
    }
    assert_eq!(forwarded(&gateway).await, Vec::<String>::new());
}

#[tokio::test]
async fn internal_routes_are_unreachable_however_they_are_spelled() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"leaked": true})))
            .mount(gateway.double(service))
            .await;
    }
    let token = gateway.token();
    for path in [
        "/internal/users/1",
        "/api/internal/users/1",
        "/api/%69nternal/users/1",
        "/api/users/%2e%2e/%2e%2e/internal/users/1",
        "//internal/users/1",
        "/api//internal/users/1",
        "/%2e%2e/internal/users/1",
        "/api/%2e%2e/internal/users/1",
        "/API/users/../../internal/users/1",
    ] {
        let (status, _, body) = raw_get(&gateway, path, &token).await;
        assert!(matches!(status, 400 | 404), "{path}: {status} {body}");
        assert_ne!(body["leaked"], true, "{path}");
    }
    assert_eq!(forwarded(&gateway).await, Vec::<String>::new());
}

#[tokio::test]
async fn an_encoded_login_is_the_login_route_and_ordinary_escapes_still_pass() {
    let gateway = spawn_gateway(&[]).await;
    for service in ServiceName::ALL {
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(gateway.double(service))
            .await;
    }
    let token = gateway.token();
    let (status, _, _) = raw_get(&gateway, "/api/%70roducts/caf%c3%a9%20mug", &token).await;
    assert_eq!(status, 200);
    let seen = forwarded(&gateway).await;
    // The service gets the normal form: unreserved characters decoded.
    assert_eq!(seen, ["catalogue: /api/products/caf%C3%A9%20mug"]);
}
