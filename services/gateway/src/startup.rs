//! Builds the gateway: one client per service, health, rate limits, the
//! browser app, routes.
//! Nothing imports this module but `main` and the tests.

use std::{collections::BTreeMap, sync::Arc};

use actix_web::web;
use shop_client::{ClientConfig, HttpClient, wire::HealthStatus};
use shop_kit::{
    Application,
    auth::{JwtVerifier, KeySource},
    health::Health,
    metrics::Metrics,
    redis::RedisPool,
};

use crate::{
    cache::PublicCache, config::Settings, rate_limit::RateLimiter, routes, state::ProxyState,
    web::assets::Site,
};

/// Binds the gateway; `main` and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    // No retries here: the client decides whether to send a request again.
    let client_config = ClientConfig {
        timeout: settings.upstream_timeout,
        max_retries: 0,
        ..ClientConfig::default()
    };
    let mut upstreams = BTreeMap::new();
    let mut health = Health::new("gateway", env!("CARGO_PKG_VERSION"));
    for (service, url) in &settings.upstreams {
        let client = HttpClient::new(service.as_str(), url.clone(), &client_config)?;
        let probe = client.clone();
        health = health.check(service.as_str(), true, move || {
            let probe = probe.clone();
            async move {
                match probe.health().await {
                    Ok(report) if report.status != HealthStatus::Down => Ok(()),
                    Ok(_) => Err("reports down".to_owned()),
                    Err(error) => Err(error.to_string()),
                }
            }
        });
        upstreams.insert(*service, client);
    }
    let keys = HttpClient::new(
        "users",
        settings.auth.users_url.clone(),
        &ClientConfig::default(),
    )?;
    let verifier = JwtVerifier::new(
        &settings.auth.issuer,
        &settings.auth.audience,
        KeySource::Remote(keys),
    );
    let redis = RedisPool::new(&settings.redis)?;
    // Without Redis each replica limits alone and caches nothing, but
    // everything is served.
    let health = health.redis(redis.clone(), false);
    let metrics = Metrics::new("gateway")?.observe_redis(redis.clone());
    let limiter = Arc::new(RateLimiter::new(redis.clone(), settings.limits.clone()));
    let cache = settings
        .cache
        .enabled
        .then(|| Arc::new(PublicCache::new(settings.cache.bounds)));
    let site = Site::load()?;
    tracing::info!(fingerprint = site.fingerprint(), "browser app loaded");
    let state = web::Data::new(ProxyState {
        upstreams,
        body_limit: settings.server.body_limit_bytes,
        upload_limit: settings.upload_limit_bytes,
        verifier,
        limiter: limiter.clone(),
        cache: cache.clone(),
        site,
        cookie_secure: settings.web_cookie_secure,
    });
    let app = Application::build(&settings.server, health, metrics, move |cfg| {
        cfg.app_data(state.clone()).configure(routes::config);
    })?;
    // Started once the server is bound, so a failed start leaves none behind.
    let workers = app.workers();
    let interval = settings.rate_limit_sync;
    workers.spawn("rate-limit-sync", move |stop| async move {
        limiter.run(interval, stop).await;
    });
    if let Some(cache) = cache {
        let channel = settings.cache.channel.clone();
        workers.spawn("catalogue-invalidations", move |stop| {
            shop_kit::invalidation::listen(redis, channel, cache, stop)
        });
    }
    Ok(app)
}
