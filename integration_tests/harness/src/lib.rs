//! The whole shop in one test process: users, catalogue, payments,
//! fulfilment, orders and the gateway, all real, each on its own fresh
//! database (and Redis prefix), talking over real HTTP. The tests in
//! `tests/shop/` (the checkout saga, fulfilment and returns, payments with
//! wallets) start here; `Shop` has the calls they share. Nothing in `crates/`
//! and no service depends on this crate.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a harness fails the test loudly

use std::path::Path;

use diesel_async::{AsyncConnection as _, AsyncPgConnection};
use serde_json::{Value, json};
use shop_kit::testing::{TcpProxy, TestApp, TestDatabase, TestKeys, TestRedis};
use uuid::Uuid;

pub use shop_kit::testing::TEST_INTERNAL_TOKEN as INTERNAL_TOKEN;
pub const GOOD_CARD: &str = "4242424242424242";
pub const DECLINED_CARD: &str = "4000000000000002";

pub mod payments;

/// A service's migrations folder.
pub fn migrations(service: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../services")
        .join(service)
        .join("migrations")
}

/// A URL where nothing listens (yet).
pub fn free_url() -> (String, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (format!("http://127.0.0.1:{port}"), port)
}

/// Pools big enough for the concurrency tests.
const POOLS: [(&str, &str); 2] = [
    ("DATABASE_POOL_SIZE", "10"),
    ("DATABASE_TIMEOUT_MS", "20000"),
];

/// How to start the shop.
#[derive(Default)]
pub struct ShopOptions {
    /// Where orders looks for payments (default: the real one).
    pub payments_url: Option<String>,
    /// Where orders looks for fulfilment (default: the real one).
    pub fulfilment_url: Option<String>,
    /// Don't start payments (the test starts it later with [`Shop::start_payments`]).
    pub without_payments: bool,
    /// Extra settings for orders.
    pub orders_env: Vec<(&'static str, String)>,
    /// Extra settings for fulfilment.
    pub fulfilment_env: Vec<(&'static str, String)>,
    /// Extra settings for payments.
    pub payments_env: Vec<(&'static str, String)>,
    /// Put orders' database behind a [`TcpProxy`] the test can cut.
    pub orders_database_proxy: bool,
}

/// Every service of the shop, real, in this process.
pub struct Shop {
    pub orders: TestApp,
    pub users: TestApp,
    pub catalogue: TestApp,
    pub payments: Option<TestApp>,
    pub fulfilment: TestApp,
    pub gateway: String,
    pub keys: TestKeys,
    pub http: reqwest::Client,
    /// How fulfilment was configured (to start another one like it).
    pub fulfilment_env: Vec<(String, String)>,
    /// Between orders and its database, when [`ShopOptions::orders_database_proxy`].
    pub orders_database_proxy: Option<TcpProxy>,
    _gateway_redis: TestRedis,
}

pub async fn spawn_shop() -> Shop {
    spawn_shop_with(ShopOptions::default()).await
}

pub async fn spawn_shop_with(options: ShopOptions) -> Shop {
    let keys = TestKeys::generate();
    let pem = keys.pem();
    let users = TestApp::spawn(
        "users",
        users::db::MIGRATIONS,
        &migrations("users"),
        &[("USERS_JWT_PRIVATE_KEY", &pem), POOLS[0], POOLS[1]],
        |env| async move { users::startup::build(users::config::Settings::from_env(&env)?).await },
    )
    .await;
    let media = std::env::temp_dir().join(format!("shop-media-harness-{}", uuid::Uuid::now_v7()));
    let media = format!("file://{}/", media.display());
    let catalogue = TestApp::spawn(
        "catalogue",
        catalogue::db::MIGRATIONS,
        &migrations("catalogue"),
        &[
            ("USERS_URL", &users.address),
            ("CACHE_WARM_UP_COUNT", "0"),
            ("MEDIA_STORE_URL", &media),
            POOLS[0],
            POOLS[1],
        ],
        |env| async move {
            catalogue::startup::build(catalogue::config::Settings::from_env(&env)?).await
        },
    )
    .await;
    let payments = if options.without_payments {
        None
    } else {
        Some(start_payments_with(&users.address, None, &options.payments_env).await)
    };
    // Orders and fulfilment call each other: orders' port is chosen first.
    let (orders_url, orders_port) = free_url();
    let orders_port = orders_port.to_string();
    let mut fulfilment_env: Vec<(String, String)> = [
        ("USERS_URL", users.address.as_str()),
        ("ORDERS_URL", orders_url.as_str()),
        ("OUTBOX_POLL_MS", "100"),
        ("OUTBOX_BACKOFF_MS", "50"),
        ("FULFILMENT_WORKER_INTERVAL_MS", "100"),
        ("FULFILMENT_RETRY_BASE_MS", "50"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fulfilment_env.extend(
        options
            .fulfilment_env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone())),
    );
    let fulfilment = start_fulfilment(&fulfilment_env, None).await;
    let payments_url = options
        .payments_url
        .clone()
        .or_else(|| payments.as_ref().map(|p| p.address.clone()))
        .unwrap_or_else(|| free_url().0);
    let fulfilment_url = options
        .fulfilment_url
        .clone()
        .unwrap_or_else(|| fulfilment.address.clone());
    let mut env: Vec<(&str, &str)> = vec![
        ("USERS_URL", &users.address),
        ("CATALOGUE_URL", &catalogue.address),
        ("PAYMENTS_URL", &payments_url),
        ("FULFILMENT_URL", &fulfilment_url),
        ("OUTBOX_POLL_MS", "100"),
        ("OUTBOX_BACKOFF_MS", "50"),
        ("ORDER_RECOVERY_INTERVAL_MS", "200"),
        ("ORDER_RECOVERY_AFTER_SECS", "1"),
        ("PAYMENTS_TIMEOUT_MS", "5000"),
        ("PORT", &orders_port),
        POOLS[0],
        POOLS[1],
    ];
    env.extend(options.orders_env.iter().map(|(k, v)| (*k, v.as_str())));
    let orders_database =
        TestDatabase::migrated("orders", orders::db::MIGRATIONS, &migrations("orders")).await;
    let orders_database_proxy = if options.orders_database_proxy {
        Some(TcpProxy::postgres().await)
    } else {
        None
    };
    let proxied_url = orders_database_proxy
        .as_ref()
        .map(|proxy| orders_database.through(proxy).url().to_string());
    if let Some(url) = &proxied_url {
        env.push(("DATABASE_URL", url));
    }
    let orders = TestApp::spawn_on("orders", orders_database, &env, |env| async move {
        orders::startup::build(orders::config::Settings::from_env(&env)?).await
    })
    .await;

    let gateway_redis = TestRedis::new("gateway");
    let gateway_env = shop_kit::config::Env::from_pairs([
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("HTTP_WORKERS", "2".to_owned()),
        ("REDIS_URL", shop_kit::testing::redis_url()),
        ("REDIS_KEY_PREFIX", gateway_redis.prefix().to_owned()),
        ("USERS_URL", users.address.clone()),
        ("CATALOGUE_URL", catalogue.address.clone()),
        ("ORDERS_URL", orders.address.clone()),
        ("PAYMENTS_URL", payments_url.clone()),
        ("FULFILMENT_URL", fulfilment.address.clone()),
        ("RATE_LIMIT_PER_IP_PER_MIN", "100000".to_owned()),
        ("RATE_LIMIT_PER_USER_PER_MIN", "100000".to_owned()),
        (
            "CATALOGUE_INVALIDATION_CHANNEL",
            format!(
                "{}{}",
                catalogue.redis.prefix(),
                shop_client::wire::catalogue::INVALIDATION_CHANNEL
            ),
        ),
    ]);
    let gateway =
        gateway::startup::build(gateway::config::Settings::from_env(&gateway_env).unwrap())
            .await
            .unwrap();
    Shop {
        orders,
        users,
        catalogue,
        payments,
        fulfilment,
        gateway: shop_kit::testing::spawn(gateway),
        keys,
        http: reqwest::Client::new(),
        fulfilment_env,
        orders_database_proxy,
        _gateway_redis: gateway_redis,
    }
}

/// Payments in front of `users_url`, on `port` when given.
pub async fn start_payments(users_url: &str, port: Option<u16>) -> TestApp {
    start_payments_with(users_url, port, &[]).await
}

/// Payments in front of `users_url`, on `port` when given, with `extra` settings.
pub async fn start_payments_with(
    users_url: &str,
    port: Option<u16>,
    extra: &[(&'static str, String)],
) -> TestApp {
    let port = port
        .map(|p| p.to_string())
        .unwrap_or_else(|| "0".to_owned());
    let mut env = vec![
        ("USERS_URL", users_url),
        ("CARD_RETRY_BASE_MS", "5"),
        ("PORT", &port),
        POOLS[0],
        POOLS[1],
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
    TestApp::spawn(
        "payments",
        ::payments::db::MIGRATIONS,
        &migrations("payments"),
        &env,
        |env| async move {
            ::payments::startup::build(::payments::config::Settings::from_env(&env)?).await
        },
    )
    .await
}

/// Fulfilment with `env`, on `port` when given.
pub async fn start_fulfilment(env: &[(String, String)], port: Option<u16>) -> TestApp {
    let port = port
        .map(|p| p.to_string())
        .unwrap_or_else(|| "0".to_owned());
    let mut pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.extend([("PORT", port.as_str()), POOLS[0], POOLS[1]]);
    TestApp::spawn(
        "fulfilment",
        fulfilment::db::MIGRATIONS,
        &migrations("fulfilment"),
        &pairs,
        |env| async move {
            fulfilment::startup::build(fulfilment::config::Settings::from_env(&env)?).await
        },
    )
    .await
}

pub fn card(number: &str) -> Value {
    json!({"type": "card", "card_number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"})
}

pub fn address() -> Value {
    json!({"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London",
           "postal_code": "SW1Y 4JH", "country": "GB"})
}

/// A checkout body shipping to [`address`].
pub fn checkout_body(payment: Value) -> Value {
    json!({"shipping_address": address(), "payment": payment})
}

/// A response's status and JSON body.
pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

impl Shop {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    pub fn payments(&self) -> &TestApp {
        self.payments.as_ref().expect("payments runs")
    }

    pub fn admin(&self) -> String {
        self.keys
            .sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &self.keys.kid())
    }

    /// A token for a customer who exists only in the token (enough for card
    /// checkouts): (id, token).
    pub fn shopper(&self) -> (Uuid, String) {
        let id = Uuid::now_v7();
        (
            id,
            self.keys
                .sign(&TestKeys::claims(id, "customer"), &self.keys.kid()),
        )
    }

    /// A registered customer with `balance_cents` in the wallet: (id, token).
    pub async fn customer(&self, balance_cents: i64) -> (Uuid, String) {
        let email = format!("buyer-{}@example.com", Uuid::now_v7().simple());
        let (status, body) = read(
            self.http
                .post(self.url("/api/auth/register"))
                .json(
                    &json!({"email": email, "password": "correct horse battery", "name": "Buyer"}),
                )
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let id: Uuid = body["id"].as_str().unwrap().parse().unwrap();
        if balance_cents > 0 {
            let credit = self
                .http
                .post(self.users.url(&format!("/internal/wallets/{id}/credit")))
                .header("x-internal-token", INTERNAL_TOKEN)
                .json(&json!({"amount_cents": balance_cents, "idempotency_key": format!("seed-{id}"), "reason": "seed"}))
                .send()
                .await
                .unwrap();
            assert_eq!(credit.status(), 200);
        }
        (
            id,
            self.keys
                .sign(&TestKeys::claims(id, "customer"), &self.keys.kid()),
        )
    }

    /// `method path` through the gateway, with a bearer token and a JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method.parse().unwrap(), self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    /// `method path` on a service's internal API.
    pub async fn internal(
        &self,
        app: &TestApp,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), app.url(path))
            .header("x-internal-token", INTERNAL_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.unwrap()).await
    }

    /// A product with `stock` units at `price_cents`; returns its id.
    pub async fn product(&self, price_cents: i64, stock: i32) -> Uuid {
        let admin = self.admin();
        let (status, _) = self
            .call(
                "POST",
                "/api/categories",
                Some(&admin),
                Some(json!({"slug": "things", "name": "Things"})),
            )
            .await;
        assert!(status == 201 || status == 409, "category: {status}");
        let sku = format!("SKU-{}", &Uuid::now_v7().simple().to_string()[20..]);
        let (status, body) = self
            .call(
                "POST",
                "/api/products",
                Some(&admin),
                Some(
                    json!({"sku": sku, "name": format!("Thing {sku}"), "price_cents": price_cents,
                            "category": "things", "stock_on_hand": stock}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// (on hand, reserved) as an admin sees them.
    pub async fn stock(&self, product: Uuid) -> (i64, i64) {
        let (status, body) = self
            .call(
                "GET",
                &format!("/api/products/{product}"),
                Some(&self.admin()),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        (
            body["stock_on_hand"].as_i64().unwrap(),
            body["stock_reserved"].as_i64().unwrap(),
        )
    }

    /// Puts `quantity` of `product` in the signed-in user's cart.
    pub async fn add_to_cart(&self, token: &str, product: Uuid, quantity: i32) {
        let (status, body) = self
            .call(
                "POST",
                "/api/cart/items",
                Some(token),
                Some(json!({"product_id": product, "quantity": quantity})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    /// `POST /api/orders` with an `Idempotency-Key`.
    pub async fn checkout(&self, token: &str, key: &str, body: &Value) -> (u16, Value) {
        read(
            self.http
                .post(self.url("/api/orders"))
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// The order's payment as payments knows it, if any.
    pub async fn payment_of(&self, order_id: &str) -> Option<Value> {
        let (status, body) = self
            .internal(
                self.payments(),
                "GET",
                &format!("/internal/payments?order_id={order_id}"),
                None,
            )
            .await;
        match status {
            200 => Some(body),
            404 => None,
            other => panic!("payments answered {other}: {body}"),
        }
    }

    /// The order as its owner sees it.
    pub async fn order(&self, token: &str, id: &str) -> Value {
        let (status, body) = self
            .call("GET", &format!("/api/orders/{id}"), Some(token), None)
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Waits (up to 10 s) until the order's status is one of `statuses`.
    pub async fn wait_for_status(&self, id: &str, statuses: &[&str]) -> Value {
        let admin = self.admin();
        for _ in 0..200 {
            let order = self.order(&admin, id).await;
            if statuses.contains(&order["status"].as_str().unwrap()) {
                return order;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "order {id} never reached {statuses:?}: {}",
            self.order(&admin, id).await
        );
    }

    /// Waits (up to 10 s) for fulfilment's packing task of the order.
    pub async fn wait_for_packing_task(&self, order_id: &str) -> Value {
        for _ in 0..200 {
            let (status, body) = self
                .internal(
                    &self.fulfilment,
                    "GET",
                    &format!("/internal/fulfilments/{order_id}"),
                    None,
                )
                .await;
            if status == 200 {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no packing task for {order_id}");
    }

    /// A counter from a service's `/metrics` (the sum over its label sets).
    pub async fn metric(&self, app: &TestApp, name: &str) -> f64 {
        let text = app.get("/metrics").await.text().await.unwrap();
        text.lines()
            .filter(|line| line.starts_with(name) && !line.starts_with('#'))
            .filter_map(|line| line.rsplit(' ').next())
            .map(|v| v.parse::<f64>().unwrap())
            .sum()
    }

    /// A direct connection to the orders database (to stage a crash).
    pub async fn orders_db(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(self.orders.db.url().as_str())
            .await
            .unwrap()
    }
}
