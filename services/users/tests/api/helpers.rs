//! Spawns the users service for a test, with a known signing key.

use std::path::Path;

use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestDatabase, TestKeys};
use users::{config::Settings, db::MIGRATIONS, startup::build};
use uuid::Uuid;

pub const INTERNAL_TOKEN: &str = "test-internal-token-0123456789";
pub const PASSWORD: &str = "correct horse battery";

pub struct UsersApp {
    pub app: TestApp,
    pub keys: TestKeys,
}

impl std::ops::Deref for UsersApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The service on a fresh migrated database (the foundation tests' shape).
pub async fn spawn_app() -> TestApp {
    spawn_users(&[]).await.app
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("users", db, &[], start).await
}

/// The service signing with a key the test holds, plus `extra` variables.
pub async fn spawn_users(extra: &[(&str, &str)]) -> UsersApp {
    let keys = TestKeys::generate();
    let pem = keys.pem();
    let mut env: Vec<(&str, &str)> = vec![
        ("USERS_JWT_PRIVATE_KEY", &pem),
        ("ADMIN_PASSWORD", "admin-test-password"),
    ];
    env.extend_from_slice(extra);
    let app = TestApp::spawn("users", MIGRATIONS, migrations_dir(), &env, start).await;
    UsersApp { app, keys }
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

impl UsersApp {
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers `email` and signs in: (user id, access token).
    pub async fn customer(&self, email: &str) -> (Uuid, String) {
        let response = self
            .post(
                "/api/auth/register",
                &json!({"email": email, "password": PASSWORD, "name": "Test"}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let id: Uuid = response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        (id, self.token_for(email, PASSWORD).await)
    }

    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// An admin token signed with the service's own key.
    pub fn admin_token(&self) -> String {
        self.keys
            .sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &self.keys.kid())
    }

    /// An internal call with the right token.
    pub async fn internal(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("x-internal-token", INTERNAL_TOKEN)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}
