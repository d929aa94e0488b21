//! The PostgreSQL pool (diesel-async + deadpool) and embedded migrations.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::{Connection as _, sql_types::BigInt};
use diesel_async::{
    AsyncPgConnection, RunQueryDsl,
    async_connection_wrapper::AsyncConnectionWrapper,
    pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod, deadpool},
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseSettings;

pub use diesel_migrations::embed_migrations;

/// A pool of async Postgres connections.
pub type PgPool = deadpool::Pool<AsyncPgConnection>;
/// A connection checked out of a [`PgPool`].
pub type PgConn = deadpool::Object<AsyncPgConnection>;

/// The advisory lock every service takes while migrating, so replicas that
/// start together migrate one after the other. Advisory locks are per
/// database, and each service owns its database, so one key serves all.
const MIGRATION_LOCK_KEY: i64 = 0x5ED0_0001;

/// shop-kit's own tables (the outbox, document counters), migrated into
/// every service's database before the service's own migrations.
pub const KIT_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long start-up waits for the lock and the migrations.
const MIGRATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Builds the pool. No connection is opened until one is needed, so a service
/// starts (and reports `down`) even while its database is unreachable.
pub fn pool(settings: &DatabaseSettings) -> anyhow::Result<PgPool> {
    let mut manager_config = ManagerConfig::default();
    // `Fast` trusts a connection unless it is known broken: no extra round trip
    // per checkout. A connection the server dropped fails its next query once;
    // the health check and the callers' error mapping report that as 503.
    manager_config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
        settings.url.as_str(),
        manager_config,
    );
    deadpool::Pool::builder(manager)
        .max_size(settings.pool_size)
        .wait_timeout(Some(settings.timeout))
        .create_timeout(Some(settings.timeout))
        .recycle_timeout(Some(settings.timeout))
        .runtime(::deadpool::Runtime::Tokio1)
        .build()
        .context("invalid configuration: DATABASE_URL: cannot build the connection pool")
}

/// Runs shop-kit's and then the service's pending embedded migrations under
/// a Postgres advisory lock; returns how many were applied.
///
/// Diesel's migration harness is synchronous, so it runs on the blocking pool
/// through `AsyncConnectionWrapper`.
pub async fn run_migrations(
    settings: &DatabaseSettings,
    migrations: EmbeddedMigrations,
) -> anyhow::Result<usize> {
    let url = settings.url.to_string();
    let host = settings.url.host_str().unwrap_or("?").to_owned();
    let task = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .with_context(|| format!("cannot connect to DATABASE_URL (host {host})"))?;
        let lock =
            diesel::sql_query("SELECT pg_advisory_lock($1)").bind::<BigInt, _>(MIGRATION_LOCK_KEY);
        diesel::RunQueryDsl::execute(lock, &mut conn).context("cannot take the migration lock")?;
        let applied = [KIT_MIGRATIONS, migrations]
            .into_iter()
            .try_fold(0, |applied, set| {
                conn.run_pending_migrations(set)
                    .map(|versions| applied + versions.len())
            })
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
        // The lock is released with the session anyway; unlocking early lets
        // the next replica go on without waiting for the disconnect.
        let unlock = diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<BigInt, _>(MIGRATION_LOCK_KEY);
        let _unlocked = diesel::RunQueryDsl::execute(unlock, &mut conn);
        applied
    });
    tokio::time::timeout(MIGRATION_TIMEOUT, task)
        .await
        .context("migrations did not finish in time")?
        .context("the migration task panicked")?
}

/// Checks out a connection and runs `SELECT 1`; returns the round-trip time.
pub async fn ping(pool: &PgPool) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let mut conn = pool.get().await.context("no connection")?;
    RunQueryDsl::execute(diesel::sql_query("SELECT 1"), &mut conn)
        .await
        .context("SELECT 1 failed")?;
    Ok(start.elapsed())
}

/// The pool for a service's own database, migrated to the latest version.
pub async fn connect_and_migrate(
    settings: &DatabaseSettings,
    migrations: EmbeddedMigrations,
) -> anyhow::Result<PgPool> {
    let applied = run_migrations(settings, migrations).await?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    pool(settings)
}
