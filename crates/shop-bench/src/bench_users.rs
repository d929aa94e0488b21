//! `bench-users`: sign-ups and logins straight at one users process, a
//! fixed number at a time (a closed loop: the rate is what the service
//! sustains), with the process's memory read from `/proc` throughout.
//!
//! Password hashing dominates both calls (Argon2id, 19 MiB, two passes), so
//! this measures the hasher pool: its throughput, the latency a queue of
//! `BENCH_CONCURRENCY` clients sees, and that RSS stays flat.
//!
//! Settings (environment): `USERS_URL` (default `http://127.0.0.1:9001`),
//! `USERS_PID` (the process to watch; without it no RSS is reported),
//! `BENCH_USERS` (sign-ups, then as many logins; default 1000),
//! `BENCH_CONCURRENCY` (default 16). A 503 (every hasher busy) is retried
//! after 100 ms and counted; the latency reported includes the retries.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use futures_util::{StreamExt as _, stream};
use serde_json::{Value, json};
use uuid::Uuid;

const PASSWORD: &str = "bench password 123";

fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// A `kB` field of `/proc/<pid>/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        line.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One call's outcome: its latency (retries included) and how many 503s it met.
struct Call {
    latency: Duration,
    busy: u32,
}

/// POSTs `body` until it is not a 503; any other status but `want` is an error.
async fn call(http: &reqwest::Client, url: &str, body: &Value, want: u16) -> anyhow::Result<Call> {
    let started = Instant::now();
    let mut busy = 0;
    loop {
        let response = http.post(url).json(body).send().await?;
        let status = response.status().as_u16();
        if status == 503 && response.headers().contains_key("retry-after") {
            busy += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        if status != want {
            let text = response.text().await.unwrap_or_default();
            bail!("{url} answered {status} (wanted {want}): {text}");
        }
        return Ok(Call {
            latency: started.elapsed(),
            busy,
        });
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// Runs `count` calls of one kind, `concurrency` at a time, and prints a line.
async fn phase(
    name: &str,
    count: usize,
    concurrency: usize,
    one: impl Fn(usize) -> futures_util::future::BoxFuture<'static, anyhow::Result<Call>>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let results: Vec<anyhow::Result<Call>> = stream::iter(0..count)
        .map(one)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut latencies = Vec::with_capacity(count);
    let (mut busy, mut errors) = (0, 0);
    for result in results {
        match result {
            Ok(call) => {
                latencies.push(call.latency);
                busy += call.busy;
            }
            Err(e) => {
                if errors < 5 {
                    eprintln!("bench-users: {name}: {e:#}");
                }
                errors += 1;
            }
        }
    }
    latencies.sort();
    println!(
        "{name:<9} {:>6} {:>9} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
        latencies.len(),
        busy,
        errors,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    if errors > 0 {
        bail!("{errors} {name} failed");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let users = env("USERS_URL", "http://127.0.0.1:9001");
    let pid: Option<u32> = match std::env::var("USERS_PID") {
        Ok(pid) => Some(pid.parse().context("USERS_PID must be a process id")?),
        Err(_) => None,
    };
    let count: usize = env("BENCH_USERS", "1000").parse().context("BENCH_USERS")?;
    let concurrency: usize = env("BENCH_CONCURRENCY", "16")
        .parse()
        .context("BENCH_CONCURRENCY")?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let run = Uuid::now_v7().simple().to_string();

    // The peak is also sampled here, in case VmHWM was reset (it never is
    // by the service; this is a cross-check).
    let sampled_peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let start_rss = pid.and_then(|pid| status_kib(pid, "VmRSS"));
    let sampler = pid.map(|pid| {
        let (peak, done) = (Arc::clone(&sampled_peak), Arc::clone(&done));
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(rss) = status_kib(pid, "VmRSS") {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    });

    println!(
        "bench-users: {count} sign-ups then {count} logins, {concurrency} at a time, against {users}"
    );
    println!(
        "{:<9} {:>6} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "phase", "ok", "503s", "errors", "per s", "p50 ms", "p99 ms", "max ms"
    );
    let email = {
        let run = run.clone();
        move |i: usize| format!("bench-{run}-{i}@example.com")
    };
    let register_url = format!("{users}/api/auth/register");
    let login_url = format!("{users}/api/auth/login");
    let sign_ups = phase("sign-ups", count, concurrency, |i| {
        let (http, url) = (http.clone(), register_url.clone());
        let body = json!({"email": email(i), "password": PASSWORD, "name": "Bench"});
        Box::pin(async move { call(&http, &url, &body, 201).await })
    })
    .await;
    let logins = phase("logins", count, concurrency, |i| {
        let (http, url) = (http.clone(), login_url.clone());
        let body = json!({"email": email(i), "password": PASSWORD});
        Box::pin(async move { call(&http, &url, &body, 200).await })
    })
    .await;

    done.store(true, Ordering::Relaxed);
    if let Some(sampler) = sampler {
        let _ = sampler.await;
    }
    match pid {
        Some(pid) => {
            let hwm = status_kib(pid, "VmHWM").context("users is gone")?;
            let end = status_kib(pid, "VmRSS").context("users is gone")?;
            println!(
                "RSS of users (pid {pid}): peak (VmHWM) {:.1} MiB, at the end {:.1} MiB, \
                 at the start {:.1} MiB, highest sampled {:.1} MiB",
                mib(hwm),
                mib(end),
                mib(start_rss.unwrap_or(0)),
                mib(sampled_peak.load(Ordering::Relaxed)),
            );
        }
        None => println!("RSS: not measured (set USERS_PID)"),
    }
    sign_ups.and(logins)
}
