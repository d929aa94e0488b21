//! Spawns the gateway in front of one HTTP double per service.

use std::{collections::BTreeMap, sync::OnceLock};

use gateway::{config::Settings, startup::build};
use serde_json::json;
use shop_client::ServiceName;
use shop_kit::{
    config::{Env, TelemetrySettings},
    telemetry::TelemetryGuard,
    testing::{TestKeys, TestRedis},
};
use uuid::Uuid;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

pub struct TestGateway {
    pub address: String,
    pub doubles: BTreeMap<ServiceName, MockServer>,
    pub http: reqwest::Client,
    /// The key the users double publishes in its JWKS.
    pub keys: TestKeys,
    /// Its key prefix (the rate-limit keys are deleted with the test).
    pub redis: TestRedis,
}

impl TestGateway {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn double(&self, service: ServiceName) -> &MockServer {
        &self.doubles[&service]
    }

    /// A valid customer token.
    pub fn token(&self) -> String {
        self.keys.sign(
            &TestKeys::claims(Uuid::now_v7(), "customer"),
            &self.keys.kid(),
        )
    }
}

/// Spans must exist for trace context to propagate, as in production.
fn init_telemetry() {
    static GUARD: OnceLock<Option<TelemetryGuard>> = OnceLock::new();
    GUARD.get_or_init(|| {
        let settings = TelemetrySettings {
            json: true,
            filter: "info".to_owned(),
            otlp_endpoint: None,
        };
        shop_kit::telemetry::init("gateway-test", &settings).ok()
    });
}

/// A double answering health like a healthy service would.
pub async fn healthy_double(service: ServiceName) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health/ready"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "ok", "service": service.as_str(), "version": "test", "checks": {}
        })))
        .mount(&server)
        .await;
    server
}

/// The gateway with a healthy double per service, and `extra` variables.
pub async fn spawn_gateway(extra: &[(&str, String)]) -> TestGateway {
    let mut doubles = BTreeMap::new();
    for service in ServiceName::ALL {
        doubles.insert(service, healthy_double(service).await);
    }
    spawn_gateway_with(doubles, extra).await
}

/// The gateway in front of the given doubles.
pub async fn spawn_gateway_with(
    doubles: BTreeMap<ServiceName, MockServer>,
    extra: &[(&str, String)],
) -> TestGateway {
    init_telemetry();
    let keys = TestKeys::generate();
    Mock::given(method("GET"))
        .and(path("/.well-known/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys.jwks()))
        .mount(&doubles[&ServiceName::Users])
        .await;
    let redis = TestRedis::new("gateway");
    let mut env = Env::from_pairs([
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("HTTP_WORKERS", "1".to_owned()),
        ("REDIS_URL", shop_kit::testing::redis_url()),
        ("REDIS_KEY_PREFIX", redis.prefix().to_owned()),
    ]);
    for (service, server) in &doubles {
        env = env.with(service.url_var(), server.uri());
    }
    for (name, value) in extra {
        env = env.with(name, value.clone());
    }
    let app = build(Settings::from_env(&env).unwrap()).await.unwrap();
    TestGateway {
        address: shop_kit::testing::spawn(app),
        doubles,
        http: reqwest::Client::new(),
        keys,
        redis,
    }
}

/// A URL where nothing listens.
pub fn closed_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}
