//! Spawns the catalogue for a test, with admin tokens it accepts.

use std::path::{Path, PathBuf};

use catalogue::{config::Settings, db::MIGRATIONS, startup::build};
use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestDatabase, TestKeys, jwks_double};
use uuid::Uuid;
use wiremock::MockServer;

pub use shop_kit::testing::TEST_INTERNAL_TOKEN as INTERNAL_TOKEN;

pub struct CatalogueApp {
    pub app: TestApp,
    pub keys: TestKeys,
    /// The folder of its local media store (unless the test named another store).
    pub media: PathBuf,
    _users: MockServer,
}

/// A fresh folder for a catalogue's pictures, and its `file://` URL.
pub fn media_folder() -> (PathBuf, String) {
    let folder = std::env::temp_dir().join(format!("shop-media-test-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&folder).unwrap();
    let url = url::Url::from_directory_path(&folder).unwrap().to_string();
    (folder, url)
}

impl std::ops::Deref for CatalogueApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The catalogue on a fresh migrated database (the foundation tests' shape).
pub async fn spawn_app() -> TestApp {
    spawn_catalogue(&[]).await.app
}

/// The catalogue on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    let (_, media_url) = media_folder();
    TestApp::spawn_on("catalogue", db, &[("MEDIA_STORE_URL", &media_url)], start).await
}

/// The catalogue trusting tokens signed by a key the test holds.
pub async fn spawn_catalogue(extra: &[(&str, &str)]) -> CatalogueApp {
    let keys = TestKeys::generate();
    let users = jwks_double(&keys).await;
    let users_url = users.uri();
    let (media, media_url) = media_folder();
    let mut env = vec![
        ("USERS_URL", users_url.as_str()),
        ("CACHE_WARM_UP_COUNT", "0"),
        ("MEDIA_STORE_URL", media_url.as_str()),
    ];
    env.extend_from_slice(extra);
    let app = TestApp::spawn("catalogue", MIGRATIONS, migrations_dir(), &env, start).await;
    CatalogueApp {
        app,
        keys,
        media,
        _users: users,
    }
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

impl CatalogueApp {
    /// A second replica: the same database, Redis prefix and token keys.
    pub async fn replica(&self, extra: &[(&str, &str)]) -> CatalogueApp {
        let users = jwks_double(&self.keys).await;
        let users_url = users.uri();
        let media_url = url::Url::from_directory_path(&self.media)
            .unwrap()
            .to_string();
        let mut env = vec![
            ("USERS_URL", users_url.as_str()),
            ("CACHE_WARM_UP_COUNT", "0"),
            ("REDIS_KEY_PREFIX", self.app.redis.prefix()),
            ("MEDIA_STORE_URL", media_url.as_str()),
        ];
        env.extend_from_slice(extra);
        let app = TestApp::spawn_on("catalogue", self.app.db.handle(), &env, start).await;
        CatalogueApp {
            app,
            keys: self.keys.clone(),
            media: self.media.clone(),
            _users: users,
        }
    }

    /// The cache's figures (`GET /api/cache/stats`).
    pub async fn cache_stats(&self) -> Value {
        let response = self
            .send("GET", "/api/cache/stats", Some(&self.admin()), None)
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Waits (at most 5 s) until the replica's memory is subscribed, or not.
    pub async fn await_subscribed(&self, subscribed: bool) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while self.cache_stats().await["memory_subscribed"] != subscribed {
            assert!(
                std::time::Instant::now() < deadline,
                "memory_subscribed never became {subscribed}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub fn admin(&self) -> String {
        self.keys
            .sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &self.keys.kid())
    }

    pub fn customer(&self) -> String {
        self.keys.sign(
            &TestKeys::claims(Uuid::now_v7(), "customer"),
            &self.keys.kid(),
        )
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method.parse().unwrap(), self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn internal(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .request(method.parse().unwrap(), self.url(path))
            .header("x-internal-token", INTERNAL_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn category(&self, slug: &str) {
        let response = self
            .send(
                "POST",
                "/api/categories",
                Some(&self.admin()),
                Some(json!({"slug": slug, "name": slug})),
            )
            .await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }

    /// Creates a product; returns its JSON.
    pub async fn product(
        &self,
        sku: &str,
        name: &str,
        price_cents: i64,
        category: &str,
        stock: i32,
    ) -> Value {
        let response = self
            .send(
                "POST",
                "/api/products",
                Some(&self.admin()),
                Some(json!({"sku": sku, "name": name, "description": format!("{name} for testing"),
                            "price_cents": price_cents, "category": category, "stock_on_hand": stock})),
            )
            .await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// `GET path` as anyone: (X-Cache, body).
    pub async fn read(&self, path: &str) -> (String, Value) {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let cache = response
            .headers()
            .get("x-cache")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (cache, response.json().await.unwrap())
    }
}
