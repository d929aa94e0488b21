//! `bench-checkout`: full checkouts through the gateway at fixed, rising
//! rates (an open loop: requests start on schedule whether or not earlier
//! ones finished, so a slow system shows as latency, not as a lower rate).
//!
//! Each checkout is a signed-in shopper putting one unit of one of
//! `BENCH_PRODUCTS` products (taken in turn) in the cart
//! (`POST /api/cart/items`) and checking out with a test card
//! (`POST /api/orders` with a fresh `Idempotency-Key`). The latency reported
//! is the checkout call's; the cart call is not counted.
//!
//! Settings (environment): `GATEWAY_URL` (default `http://127.0.0.1:9000`),
//! `ADMIN_EMAIL`, `ADMIN_PASSWORD`, `BENCH_RATES` (checkouts/s, default
//! `50,100,200,300`), `BENCH_SECONDS` per rate (default 10), `BENCH_SHOPPERS`
//! (default 300), `BENCH_PRODUCTS` (default 20; 1 makes every checkout
//! fight over one product row).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use futures_util::{StreamExt as _, future::join_all};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};
use uuid::Uuid;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

struct Bench {
    http: reqwest::Client,
    gateway: String,
}

impl Bench {
    async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: &Value,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = self.http.post(format!("{}{path}", self.gateway)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Ok((status, body))
    }

    async fn login(&self, email: &str, password: &str) -> anyhow::Result<String> {
        let (status, body) = self
            .post(
                "/api/auth/login",
                None,
                None,
                &json!({"email": email, "password": password}),
            )
            .await?;
        if status != 200 {
            bail!("login of {email} answered {status}: {body}");
        }
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access token")
    }

    async fn shopper(&self, n: usize) -> anyhow::Result<String> {
        let email = format!("bench-{}-{n}@example.com", Uuid::now_v7().simple());
        let password = "bench password 123";
        let (status, body) = self
            .post(
                "/api/auth/register",
                None,
                None,
                &json!({"email": email, "password": password, "name": "Bench"}),
            )
            .await?;
        if status != 201 {
            bail!("register answered {status}: {body}");
        }
        self.login(&email, password).await
    }

    /// One checkout: (status of the checkout, its latency).
    async fn checkout(&self, token: &str, product: &str) -> anyhow::Result<(u16, Duration)> {
        let (status, body) = self
            .post(
                "/api/cart/items",
                Some(token),
                None,
                &json!({"product_id": product, "quantity": 1}),
            )
            .await?;
        if status != 201 {
            bail!("add to cart answered {status}: {body}");
        }
        let order = json!({
            "shipping_address": {"name": "Bench", "line1": "1 Load St", "city": "Berlin",
                                 "postal_code": "10115", "country": "DE"},
            "payment": {"type": "card", "card_number": "4242424242424242",
                        "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        });
        let started = Instant::now();
        let (status, _) = self
            .post(
                "/api/orders",
                Some(token),
                Some(&Uuid::now_v7().to_string()),
                &order,
            )
            .await?;
        Ok((status, started.elapsed()))
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bench = Arc::new(Bench {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?,
        gateway: env("GATEWAY_URL", "http://127.0.0.1:9000"),
    });
    let rates: Vec<u32> = env("BENCH_RATES", "50,100,200,300")
        .split(',')
        .map(|r| r.trim().parse())
        .collect::<Result<_, _>>()
        .context("BENCH_RATES must be numbers")?;
    let seconds: u64 = env("BENCH_SECONDS", "10")
        .parse()
        .context("BENCH_SECONDS")?;
    let shoppers: usize = env("BENCH_SHOPPERS", "300")
        .parse()
        .context("BENCH_SHOPPERS")?;
    let product_count: usize = env("BENCH_PRODUCTS", "20")
        .parse()
        .context("BENCH_PRODUCTS")?;

    let admin = bench
        .login(
            &env("ADMIN_EMAIL", "admin@shop.local"),
            &env("ADMIN_PASSWORD", "admin-dev-password"),
        )
        .await?;
    let mut products = Vec::with_capacity(product_count);
    for _ in 0..product_count.max(1) {
        let (status, product) = bench
            .post(
                "/api/products",
                Some(&admin),
                None,
                &json!({"sku": format!("BENCH-{}", &Uuid::now_v7().simple().to_string()[16..]),
                        "name": "Bench Widget", "price_cents": 1999, "category": "home",
                        "stock_on_hand": 1_000_000}),
            )
            .await?;
        if status != 201 {
            bail!("creating a product answered {status}: {product}");
        }
        products.push(product["id"].as_str().context("no product id")?.to_owned());
    }
    let products = Arc::new(products);

    eprintln!("signing up {shoppers} shoppers...");
    // A few at a time: each sign-up and login hashes a password (Argon2).
    let tokens = futures_util::stream::iter(0..shoppers)
        .map(|n| {
            let bench = bench.clone();
            async move { bench.shopper(n).await }
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Idle shoppers wait here; a checkout takes one and gives it back.
    let (idle_tx, idle_rx) = mpsc::unbounded_channel::<String>();
    for token in tokens {
        idle_tx.send(token)?;
    }
    let idle_rx = Arc::new(Mutex::new(idle_rx));

    println!("| offered/s | completed/s | paid | other | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|");
    for rate in rates {
        let total = u64::from(rate) * seconds;
        let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
        let started = Instant::now();
        let mut handles = Vec::with_capacity(total as usize);
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        for n in 0..total {
            ticker.tick().await;
            let (bench, products, idle_rx, idle_tx) = (
                bench.clone(),
                products.clone(),
                idle_rx.clone(),
                idle_tx.clone(),
            );
            handles.push(tokio::spawn(async move {
                let token = idle_rx.lock().await.recv().await?;
                let product = &products[usize::try_from(n).unwrap_or(0) % products.len()];
                let outcome = bench.checkout(&token, product).await;
                idle_tx.send(token).ok();
                outcome.ok()
            }));
        }
        let outcomes: Vec<Option<(u16, Duration)>> = join_all(handles)
            .await
            .into_iter()
            .map(|r| r.ok().flatten())
            .collect();
        let elapsed = started.elapsed().as_secs_f64();
        let mut paid: Vec<Duration> = outcomes
            .iter()
            .flatten()
            .filter(|(s, _)| *s == 201)
            .map(|(_, d)| *d)
            .collect();
        let other = outcomes.len() - paid.len();
        paid.sort();
        println!(
            "| {rate} | {:.0} | {} | {other} | {:.1} | {:.1} | {:.1} | {:.1} |",
            paid.len() as f64 / elapsed,
            paid.len(),
            percentile(&paid, 50.0),
            percentile(&paid, 95.0),
            percentile(&paid, 99.0),
            percentile(&paid, 100.0),
        );
    }
    Ok(())
}
