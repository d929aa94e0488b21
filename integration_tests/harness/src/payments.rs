//! Payments in front of a real users service, for the payments tests.

use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestKeys};
use uuid::Uuid;

pub use shop_kit::testing::TEST_INTERNAL_TOKEN as INTERNAL_TOKEN;

pub struct PaymentsApp {
    pub app: TestApp,
    pub users: TestApp,
    pub keys: TestKeys,
}

impl std::ops::Deref for PaymentsApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// Payments and a real users service; `users_url` overrides where payments
/// looks for users (to make it unreachable).
pub async fn spawn_payments(users_url: Option<&str>) -> PaymentsApp {
    let keys = TestKeys::generate();
    let pem = keys.pem();
    let users = TestApp::spawn(
        "users",
        users::db::MIGRATIONS,
        &crate::migrations("users"),
        &[("USERS_JWT_PRIVATE_KEY", &pem)],
        |env| async move { users::startup::build(users::config::Settings::from_env(&env)?).await },
    )
    .await;
    let url = users_url.map_or_else(|| users.address.clone(), str::to_owned);
    let app =
        TestApp::spawn(
            "payments",
            payments::db::MIGRATIONS,
            &crate::migrations("payments"),
            &[
                ("USERS_URL", &url),
                ("CARD_RETRY_BASE_MS", "5"),
                ("DATABASE_POOL_SIZE", "10"),
                ("DATABASE_TIMEOUT_MS", "20000"),
            ],
            |env| async move {
                payments::startup::build(payments::config::Settings::from_env(&env)?).await
            },
        )
        .await;
    PaymentsApp { app, users, keys }
}

/// A card payment method with this number (CVC 7391, which the log test looks for).
pub fn card(number: &str) -> Value {
    json!({"type": "card", "card_number": number, "exp_month": 12, "exp_year": 2031, "cvc": "7391"})
}

impl PaymentsApp {
    /// `POST /internal/payments`.
    pub async fn charge(
        &self,
        order_id: Uuid,
        user_id: Uuid,
        amount_cents: i64,
        method: Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url("/internal/payments"))
            .header("x-internal-token", INTERNAL_TOKEN)
            .json(&json!({"order_id": order_id, "user_id": user_id, "amount_cents": amount_cents, "method": method}))
            .send()
            .await
            .unwrap()
    }

    pub async fn refund(
        &self,
        payment_id: &str,
        amount_cents: i64,
        key: &str,
    ) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/internal/payments/{payment_id}/refunds")))
            .header("x-internal-token", INTERNAL_TOKEN)
            .json(&json!({"amount_cents": amount_cents, "idempotency_key": key, "reason": "returned"}))
            .send()
            .await
            .unwrap()
    }

    pub async fn payment_for(&self, order_id: Uuid) -> reqwest::Response {
        self.http
            .get(self.url(&format!("/internal/payments?order_id={order_id}")))
            .header("x-internal-token", INTERNAL_TOKEN)
            .send()
            .await
            .unwrap()
    }

    /// A registered user with `balance_cents` in the wallet: (id, token).
    pub async fn customer(&self, balance_cents: i64) -> (Uuid, String) {
        let email = format!("payer-{}@example.com", Uuid::now_v7().simple());
        let response = self
            .users
            .http
            .post(self.users.url("/api/auth/register"))
            .json(&json!({"email": email, "password": "correct horse battery", "name": "Payer"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let id: Uuid = response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        if balance_cents > 0 {
            let credit = self
                .users
                .http
                .post(self.users.url(&format!("/internal/wallets/{id}/credit")))
                .header("x-internal-token", INTERNAL_TOKEN)
                .json(&json!({"amount_cents": balance_cents, "idempotency_key": format!("seed-{id}"), "reason": "seed"}))
                .send()
                .await
                .unwrap();
            assert_eq!(credit.status(), 200);
        }
        let token = self
            .keys
            .sign(&TestKeys::claims(id, "customer"), &self.keys.kid());
        (id, token)
    }

    pub async fn balance(&self, token: &str) -> i64 {
        let wallet: Value = self
            .users
            .http
            .get(self.users.url("/api/users/me/wallet"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        wallet["balance_cents"].as_i64().unwrap()
    }

    /// A counter from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.get("/metrics").await.text().await.unwrap();
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.rsplit(' ').next())
            .map_or(0.0, |v| v.parse().unwrap())
    }
}
