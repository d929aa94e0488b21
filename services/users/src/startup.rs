//! Builds the users service: keys, password hashers, pools, migrations,
//! demo data, routes. Nothing imports this module but `main` and the tests.

use std::sync::Arc;

use actix_web::web;
use shop_kit::{
    Application,
    auth::{InternalToken, JwtVerifier, KeySource},
    health::Health,
    metrics::Metrics,
    redis::RedisPool,
};
use utoipa::OpenApi as _;

use crate::{
    app::seed, config::Settings, db::MIGRATIONS, domain::new_user::Password,
    hashers::PasswordHashers, keys, routes, state::AppState, throttle::LoginThrottle,
    tokens::TokenIssuer,
};

/// Migrates the database and binds the server; `main` and the tests both start here.
pub async fn build(settings: Settings) -> anyhow::Result<Application> {
    // Keys first: a bad key stops start-up before anything else is touched.
    let token_settings = settings.tokens.clone();
    let keys = tokio::task::spawn_blocking(move || keys::load(&token_settings)).await??;
    let tokens = TokenIssuer::new(
        &keys,
        settings.tokens.ttl,
        &settings.base.auth.issuer,
        &settings.base.auth.audience,
    )?;
    let hashers = PasswordHashers::start(&settings.hashers)?;
    let db = shop_kit::db::connect_and_migrate(&settings.base.database, MIGRATIONS).await?;
    if settings.seed_demo_data {
        seed::seed(&db, &hashers, settings.admin_password.as_deref()).await?;
    }
    let redis = RedisPool::new(&settings.redis)?;
    // This service verifies its own tokens with its own keys: no HTTP round trip.
    let verifier = web::Data::new(JwtVerifier::new(
        &settings.base.auth.issuer,
        &settings.base.auth.audience,
        KeySource::Local(tokens.key_set()?),
    ));
    let internal_token = web::Data::new(InternalToken(Arc::from(
        settings.base.internal_api_token.as_str(),
    )));
    let dummy = Password::parse("not-a-real-password-at-all").map_err(anyhow::Error::msg)?;
    let dummy_hash = hashers.hash(dummy).await?;

    // Without Redis logins are not throttled, but they still work: degraded.
    let health = Health::new("users", env!("CARGO_PKG_VERSION"))
        .postgres(db.clone())
        .redis(redis.clone(), false);
    let metrics = Metrics::new("users")?
        .observe_postgres(db.clone())
        .observe_redis(redis.clone());
    let state = web::Data::new(AppState {
        db,
        tokens,
        hashers,
        throttle: LoginThrottle::new(redis, settings.login_throttle.clone()),
        currency: settings.currency.clone(),
        dummy_hash,
    });
    let openapi = routes::ApiDoc::openapi();
    Application::build(&settings.base.server, health, metrics, move |cfg| {
        cfg.app_data(state.clone())
            .app_data(verifier.clone())
            .app_data(internal_token.clone())
            .configure(routes::config);
        shop_kit::server::openapi(cfg, &openapi);
    })
}
