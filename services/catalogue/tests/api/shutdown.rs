//! Shutdown, as only the real binary shows it: on SIGTERM the background
//! workers (the reservation sweeper) stop with the server, and the process
//! exits within `SHUTDOWN_TIMEOUT_SECS`.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use catalogue::db::MIGRATIONS;
use serde_json::{Value, json};
use shop_kit::testing::{
    TEST_INTERNAL_TOKEN, TestDatabase, TestKeys, TestRedis, jwks_double, redis_url,
};
use uuid::Uuid;

/// The binary on `db`, logging to `log`, killed if the test fails first.
struct Process {
    child: Child,
    address: String,
    log: std::path::PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Process {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn on_sigterm_the_sweeper_stops_and_the_process_exits_within_the_timeout() {
    let db = TestDatabase::migrated(
        "catalogue",
        MIGRATIONS,
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")),
    )
    .await;
    let redis = TestRedis::new("catalogue");
    let keys = TestKeys::generate();
    let users = jwks_double(&keys).await;
    let port = free_port();
    let log = std::env::temp_dir().join(format!("catalogue-shutdown-{}.log", Uuid::now_v7()));
    let log_file = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_catalogue"))
        .env_clear()
        .env("DATABASE_URL", db.url().as_str())
        .env("REDIS_URL", redis_url())
        .env("REDIS_KEY_PREFIX", redis.prefix())
        .env("USERS_URL", users.uri())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("HTTP_WORKERS", "1")
        .env("SHUTDOWN_TIMEOUT_SECS", "2")
        .env("INTERNAL_API_TOKEN", TEST_INTERNAL_TOKEN)
        .env("RESERVATION_SWEEP_INTERVAL_MS", "100")
        .env("CACHE_WARM_UP_COUNT", "0")
        .env("LOG_FORMAT", "pretty")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file.try_clone().unwrap()))
        .stderr(Stdio::from(log_file))
        .spawn()
        .unwrap();
    let mut process = Process {
        child,
        address: format!("http://127.0.0.1:{port}"),
        log,
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = process.child.try_wait().unwrap() {
            panic!("catalogue exited with {status}:\n{}", process.log());
        }
        let ready = http
            .get(format!("{}/health/ready", process.address))
            .send()
            .await;
        if ready.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "not ready:\n{}", process.log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The sweeper is at work: a one-second hold expires by itself.
    let admin = keys.sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &keys.kid());
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = http
            .request(method, format!("{}{path}", process.address))
            .bearer_auth(&admin)
            .header("x-internal-token", TEST_INTERNAL_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let created = call(
        reqwest::Method::POST,
        "/api/categories",
        Some(json!({"slug": "kitchen", "name": "Kitchen"})),
    )
    .await
    .unwrap();
    assert_eq!(created.status(), 201);
    let product: Value = call(
        reqwest::Method::POST,
        "/api/products",
        Some(json!({"sku": "MUG-1", "name": "Mug", "price_cents": 900, "category": "kitchen", "stock_on_hand": 3})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let reservation = Uuid::now_v7();
    let held = call(
        reqwest::Method::POST,
        "/internal/reservations",
        Some(json!({"reservation_id": reservation, "ttl_seconds": 1,
                    "items": [{"product_id": product["id"], "quantity": 1}]})),
    )
    .await
    .unwrap();
    assert_eq!(held.status(), 201);
    let mut status = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = call(
            reqwest::Method::GET,
            &format!("/internal/reservations/{reservation}"),
            None,
        )
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["status"]
            .clone();
        if status == "expired" {
            break;
        }
    }
    assert_eq!(status, "expired", "{}", process.log());

    let signalled = Instant::now();
    let kill = Command::new("kill")
        .args(["-TERM", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let exit = loop {
        if let Some(status) = process.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM:\n{}",
            process.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    let log = process.log();
    assert!(exit.success(), "exit {exit}:\n{log}");
    assert!(
        signalled.elapsed() < Duration::from_secs(2) + Duration::from_millis(1500),
        "took {:?}:\n{log}",
        signalled.elapsed()
    );
    assert!(
        log.lines()
            .any(|line| line.contains("worker stopped") && line.contains("reservation-sweeper")),
        "the sweeper said it stopped:\n{log}"
    );
}
