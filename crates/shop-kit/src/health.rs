//! `/health/live`, `/health/ready` and `/health` with real checks and latencies.

use std::{
    collections::BTreeMap,
    future::Future,
    pin::Pin,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{HttpResponse, web};
use futures_util::future::join_all;
use serde_json::json;
use shop_client::wire::{CheckResult, CheckStatus, HealthReport, HealthStatus};

use crate::{db::PgPool, redis::RedisPool};

/// The future a check returns: `Err` carries a short, safe reason.
pub type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

type CheckFn = Arc<dyn Fn() -> CheckFuture + Send + Sync>;

#[derive(Clone)]
struct Check {
    name: String,
    /// A failed critical check makes the service `down` (503); any other failed
    /// check makes it `degraded` (still 200).
    critical: bool,
    run: CheckFn,
}

/// The checks a service reports on.
#[derive(Clone)]
pub struct Health {
    service: &'static str,
    version: &'static str,
    timeout: Duration,
    checks: Vec<Check>,
}

impl Health {
    /// No checks yet.
    pub fn new(service: &'static str, version: &'static str) -> Self {
        Self {
            service,
            version,
            timeout: Duration::from_secs(2),
            checks: Vec::new(),
        }
    }

    /// The service this health is about.
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Adds a check.
    #[must_use]
    pub fn check<F, Fut>(mut self, name: &str, critical: bool, run: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        let run: CheckFn = Arc::new(move || Box::pin(run()));
        self.checks.push(Check {
            name: name.to_owned(),
            critical,
            run,
        });
        self
    }

    /// Adds the critical `postgres` check.
    #[must_use]
    pub fn postgres(self, pool: PgPool) -> Self {
        self.check("postgres", true, move || {
            let pool = pool.clone();
            async move {
                crate::db::ping(&pool)
                    .await
                    .map(drop)
                    .map_err(|e| format!("{e:#}"))
            }
        })
    }

    /// Adds the `redis` check; `critical` says whether the service can work without it.
    #[must_use]
    pub fn redis(self, pool: RedisPool, critical: bool) -> Self {
        self.check("redis", critical, move || {
            let pool = pool.clone();
            async move { pool.ping().await.map_err(|e| format!("{e:#}")) }
        })
    }

    /// Runs every check concurrently, each bounded by the timeout.
    pub async fn report(&self) -> HealthReport {
        let runs = self.checks.iter().map(|check| async move {
            let start = Instant::now();
            let outcome = tokio::time::timeout(self.timeout, (check.run)())
                .await
                .unwrap_or_else(|_| {
                    Err(format!("no answer within {} ms", self.timeout.as_millis()))
                });
            let latency_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            let result = match outcome {
                Ok(()) => CheckResult {
                    status: CheckStatus::Up,
                    latency_ms,
                    error: None,
                },
                Err(error) => CheckResult {
                    status: CheckStatus::Down,
                    latency_ms,
                    error: Some(error),
                },
            };
            (check, result)
        });
        let mut status = HealthStatus::Ok;
        let mut checks = BTreeMap::new();
        for (check, result) in join_all(runs).await {
            if result.status == CheckStatus::Down {
                status = match (check.critical, status) {
                    (true, _) | (false, HealthStatus::Down) => HealthStatus::Down,
                    (false, _) => HealthStatus::Degraded,
                };
            }
            checks.insert(check.name.clone(), result);
        }
        HealthReport {
            status,
            service: self.service.to_owned(),
            version: self.version.to_owned(),
            checks,
        }
    }
}

/// The health routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready))
        .route("/health", web::get().to(ready));
}

/// The process is up; no I/O.
async fn live(health: web::Data<Health>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "service": health.service,
        "version": health.version,
    }))
}

/// Every check, with latencies: 200 for ok/degraded, 503 for down.
async fn ready(health: web::Data<Health>) -> HttpResponse {
    let report = health.report().await;
    if report.status == HealthStatus::Down {
        HttpResponse::ServiceUnavailable().json(report)
    } else {
        HttpResponse::Ok().json(report)
    }
}
