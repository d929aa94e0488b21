//! Memory under sign-up load: the real binary, its peak RSS read from
//! `/proc`. Argon2 needs 19 MiB per hash; hashing must reuse a few fixed
//! buffers instead of leaving one behind on every thread that ever hashed.

use std::time::Duration;

use futures_util::{StreamExt as _, stream};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shop_kit::testing::{TestDatabase, TestKeys};
use users::db::MIGRATIONS;

use crate::helpers::{PASSWORD, UsersProcess, migrations_dir};

/// Sign-ups and logins driven (each), and how many run at once.
const REQUESTS: usize = 200;
const CONCURRENCY: usize = 16;
/// The ceiling the service must stay under (the compose limit is 256 MiB).
const PEAK_RSS_LIMIT_KIB: u64 = 64 * 1024;
/// How much the load may add to what the service held once ready: the
/// hashers' memory is allocated at start, so hashing should add ~nothing.
const GROWTH_LIMIT_KIB: u64 = 8 * 1024;

/// POSTs `body` until it is not a 503: a 503 must carry `Retry-After` and a
/// `busy` or `dependency_unavailable` code; any other 5xx fails the test.
async fn post_until_served(users: &UsersProcess, path: &str, body: &Value) -> StatusCode {
    for _ in 0..100 {
        let response = users
            .http
            .post(users.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(
                response.headers().contains_key("retry-after"),
                "a 503 without Retry-After on {path}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        assert!(
            !status.is_server_error(),
            "{path} answered {status}: {}",
            response.text().await.unwrap_or_default()
        );
        return status;
    }
    panic!("{path} was still busy after 100 attempts");
}

#[tokio::test]
async fn memory_stays_bounded_through_concurrent_sign_ups_and_logins() {
    let db = TestDatabase::migrated("users", MIGRATIONS, migrations_dir()).await;
    let keys = TestKeys::generate();
    let pem = keys.pem();
    // One hasher (19 MiB): this debug binary's own code is ~19 MiB of the
    // RSS (a release build's is a fraction), and the ceiling must not be
    // met by a test build's size. `make bench-users` measures the release
    // binary with the compose setting of two.
    let mut users = UsersProcess::start(
        &db,
        &[("USERS_JWT_PRIVATE_KEY", &pem), ("PASSWORD_HASHERS", "1")],
    )
    .await;
    let ready = users.status_kib("VmRSS");
    let email = |i: usize| format!("load-{i}@example.com");

    let sign_ups: Vec<StatusCode> = stream::iter(0..REQUESTS)
        .map(|i| {
            let body = json!({"email": email(i), "password": PASSWORD, "name": "Load"});
            let users = &users;
            async move { post_until_served(users, "/api/auth/register", &body).await }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    assert!(
        sign_ups.iter().all(|s| *s == StatusCode::CREATED),
        "every sign-up succeeds in the end: {sign_ups:?}"
    );
    let logins: Vec<StatusCode> = stream::iter(0..REQUESTS)
        .map(|i| {
            let body = json!({"email": email(i), "password": PASSWORD});
            let users = &users;
            async move { post_until_served(users, "/api/auth/login", &body).await }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    assert!(
        logins.iter().all(|s| *s == StatusCode::OK),
        "every login succeeds in the end: {logins:?}"
    );

    assert!(users.is_running(), "users died:\n{}", users.log());
    let peak = users.status_kib("VmHWM");
    let now = users.status_kib("VmRSS");
    println!(
        "users: RSS {} MiB when ready, peak {} MiB, {} MiB at the end",
        ready / 1024,
        peak / 1024,
        now / 1024
    );
    assert!(
        peak < PEAK_RSS_LIMIT_KIB,
        "peak RSS {} MiB through {REQUESTS} sign-ups and logins is over {} MiB",
        peak / 1024,
        PEAK_RSS_LIMIT_KIB / 1024
    );
    assert!(
        peak.saturating_sub(ready) < GROWTH_LIMIT_KIB,
        "the load grew RSS from {} MiB to {} MiB",
        ready / 1024,
        peak / 1024
    );
}
