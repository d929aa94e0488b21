//! Prometheus `/metrics`: request latency per route, pool gauges, and any
//! business counter a service registers.

use std::{sync::Arc, time::Instant};

use actix_web::{
    HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::{db::PgPool, redis::RedisPool};

/// A pool whose size is sampled at every scrape.
#[derive(Clone)]
enum ObservedPool {
    Postgres(PgPool),
    Redis(RedisPool),
}

/// One registry per service instance (tests run several in one process).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_size: GaugeVec,
    pool_available: GaugeVec,
    pools: Arc<Vec<ObservedPool>>,
}

impl Metrics {
    /// The HTTP and pool metrics for `service`.
    pub fn new(service: &str) -> Result<Self, prometheus::Error> {
        let labels = std::collections::HashMap::from([("service".to_owned(), service.to_owned())]);
        let registry = Registry::new_custom(None, Some(labels))?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0,
                ],
            ),
            &["method", "route"],
        )?;
        let pool_size = GaugeVec::new(
            Opts::new("pool_connections", "Open connections per pool"),
            &["pool"],
        )?;
        let pool_available = GaugeVec::new(
            Opts::new("pool_connections_idle", "Idle connections per pool"),
            &["pool"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_size.clone()))?;
        registry.register(Box::new(pool_available.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_size,
            pool_available,
            pools: Arc::new(Vec::new()),
        })
    }

    /// Samples the Postgres pool at every scrape.
    #[must_use]
    pub fn observe_postgres(mut self, pool: PgPool) -> Self {
        Arc::make_mut(&mut self.pools).push(ObservedPool::Postgres(pool));
        self
    }

    /// Samples the Redis pool at every scrape.
    #[must_use]
    pub fn observe_redis(mut self, pool: RedisPool) -> Self {
        Arc::make_mut(&mut self.pools).push(ObservedPool::Redis(pool));
        self
    }

    /// The registry, for a service's own business counters.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        for pool in self.pools.iter() {
            let (name, size, available) = match pool {
                ObservedPool::Postgres(p) => {
                    let s = p.status();
                    ("postgres", s.size, s.available)
                }
                ObservedPool::Redis(p) => {
                    let s = p.status();
                    ("redis", s.size, s.available)
                }
            };
            self.pool_size.with_label_values(&[name]).set(size as f64);
            self.pool_available
                .with_label_values(&[name])
                .set(available as f64);
        }
        let mut buffer = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "cannot encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }
}

/// Middleware: counts and times every request by its route pattern (not its
/// path, so ids do not explode the label set).
pub(crate) async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(
            &method,
            &route,
            response.status().as_u16(),
            start.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

/// `GET /metrics`.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape));
}

async fn scrape(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render())
}
