//! The test harness: a fresh database per test cloned from a migrated template,
//! a Redis key prefix per test, and the service spawned on port 0.
//!
//! `TEST_DATABASE_URL` must name a role that may create databases (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); `TEST_REDIS_URL` a Redis
//! (default `redis://127.0.0.1:6379`). `make test` starts both when needed.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a harness fails the test loudly

use std::{
    collections::hash_map::DefaultHasher,
    hash::{Hash, Hasher},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use diesel_migrations::EmbeddedMigrations;
use url::Url;

use crate::{
    Application,
    config::{DatabaseSettings, Env},
};

/// The admin connection URL for test databases.
pub fn admin_url() -> Url {
    let raw = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    Url::parse(&raw).expect("TEST_DATABASE_URL is not a URL")
}

/// The Redis URL for tests.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

fn url_for(database: &str) -> Url {
    let mut url = admin_url();
    url.set_path(&format!("/{database}"));
    url
}

async fn admin() -> AsyncPgConnection {
    AsyncPgConnection::establish(admin_url().as_str())
        .await
        .expect("cannot connect to TEST_DATABASE_URL; run the tests with `make test`")
}

/// A hash of every file in the migrations folder and shop-kit's own, so a
/// changed migration gets a new template instead of a stale one.
fn migrations_fingerprint(dir: &Path) -> u64 {
    let mut files: Vec<_> = walk(dir);
    files.extend(walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"),
    ));
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

/// A database that exists for one test and is dropped with it.
pub struct TestDatabase {
    name: String,
    settings: DatabaseSettings,
    /// Only the owner drops the database.
    owner: bool,
}

impl TestDatabase {
    /// A fresh, migrated database for `service`: cloned from a template that is
    /// migrated once per set of migrations (under a lock shared by every test
    /// process).
    pub async fn migrated(
        service: &str,
        migrations: EmbeddedMigrations,
        migrations_dir: &Path,
    ) -> Self {
        let template = format!(
            "shop_tpl_{service}_{:016x}",
            migrations_fingerprint(migrations_dir)
        );
        let mut conn = admin().await;
        let lock_key = i64::from_ne_bytes(migrations_fingerprint(migrations_dir).to_ne_bytes());
        diesel::sql_query("SELECT pg_advisory_lock($1)")
            .bind::<BigInt, _>(lock_key)
            .execute(&mut conn)
            .await
            .expect("template lock");
        let exists = database_exists(&mut conn, &template).await;
        if !exists {
            create_database(&mut conn, &format!("{template}_wip"), None).await;
            let settings = settings_for(&format!("{template}_wip"));
            crate::db::run_migrations(&settings, migrations)
                .await
                .expect("migrating the template");
            diesel::sql_query(format!(
                r#"ALTER DATABASE "{template}_wip" RENAME TO "{template}""#
            ))
            .execute(&mut conn)
            .await
            .expect("publishing the template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<BigInt, _>(lock_key)
            .execute(&mut conn)
            .await
            .expect("template unlock");
        let name = fresh_name(service);
        create_database(&mut conn, &name, Some(&template)).await;
        Self {
            settings: settings_for(&name),
            name,
            owner: true,
        }
    }

    /// A fresh database with no tables (start-up migrates it).
    pub async fn empty(service: &str) -> Self {
        let mut conn = admin().await;
        let name = fresh_name(service);
        create_database(&mut conn, &name, None).await;
        Self {
            settings: settings_for(&name),
            name,
            owner: true,
        }
    }

    /// A second handle on the same database (e.g. for a second instance of a
    /// service); the database is dropped with the first handle only.
    pub fn handle(&self) -> Self {
        Self {
            name: self.name.clone(),
            settings: self.settings.clone(),
            owner: false,
        }
    }

    /// A second handle on the same database reached through `proxy`.
    pub fn through(&self, proxy: &TcpProxy) -> Self {
        let mut settings = self.settings.clone();
        let _ = settings.url.set_host(Some("127.0.0.1"));
        let _ = settings.url.set_port(Some(proxy.port));
        Self {
            name: self.name.clone(),
            settings,
            owner: false,
        }
    }

    /// The database's settings (URL, small pool, short timeouts).
    pub fn settings(&self) -> &DatabaseSettings {
        &self.settings
    }

    /// The database's URL.
    pub fn url(&self) -> &Url {
        &self.settings.url
    }

    /// Makes the database unreachable for the service: new connections are
    /// refused and open ones are terminated.
    pub async fn cut_connections(&self) {
        let mut conn = admin().await;
        diesel::sql_query(format!(
            r#"ALTER DATABASE "{}" ALLOW_CONNECTIONS false"#,
            self.name
        ))
        .execute(&mut conn)
        .await
        .expect("disallow connections");
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
        )
        .bind::<Text, _>(&self.name)
        .execute(&mut conn)
        .await
        .expect("terminate connections");
    }

    /// Undoes [`cut_connections`](Self::cut_connections).
    pub async fn restore_connections(&self) {
        let mut conn = admin().await;
        diesel::sql_query(format!(
            r#"ALTER DATABASE "{}" ALLOW_CONNECTIONS true"#,
            self.name
        ))
        .execute(&mut conn)
        .await
        .expect("allow connections");
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = AsyncPgConnection::establish(admin_url().as_str())
                    .await
                    .ok()?;
                diesel::sql_query(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        });
        let _ = dropper.join();
    }
}

/// Where a [`TcpProxy`] stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Bytes flow both ways.
    Open,
    /// Connections stay up but no byte moves: queries hang.
    Frozen,
    /// Every connection is closed and new ones are dropped at once.
    Cut,
}

/// A TCP proxy between a service and PostgreSQL or Redis, to cut them in
/// the middle of a request: [`freeze`](Self::freeze) stalls every connection
/// (a query sent now hangs), [`cut`](Self::cut) then closes them all, as a
/// server that stops under load does. It counts what the service sends
/// ([`writes`](Self::writes)), to show how often it calls. Point a service at
/// it with [`TestDatabase::through`] or [`TcpProxy::redis_url`].
pub struct TcpProxy {
    port: u16,
    link: tokio::sync::watch::Sender<Link>,
    writes: Arc<AtomicU64>,
}

impl TcpProxy {
    /// A proxy to the test PostgreSQL server, open.
    pub async fn postgres() -> Self {
        let admin = admin_url();
        Self::start(format!(
            "{}:{}",
            admin.host_str().unwrap_or("127.0.0.1"),
            admin.port().unwrap_or(5432)
        ))
        .await
    }

    /// A proxy to the test Redis server, open.
    pub async fn redis() -> Self {
        let url = Url::parse(&redis_url()).expect("TEST_REDIS_URL is not a URL");
        Self::start(format!(
            "{}:{}",
            url.host_str().unwrap_or("127.0.0.1"),
            url.port().unwrap_or(6379)
        ))
        .await
    }

    /// A proxy to `upstream` (`host:port`), open: any TCP server, such as
    /// an object store.
    pub async fn to(upstream: &str) -> Self {
        Self::start(upstream.to_owned()).await
    }

    async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("proxy listener");
        let port = listener.local_addr().expect("proxy address").port();
        let (link, watch) = tokio::sync::watch::channel(Link::Open);
        let writes = Arc::new(AtomicU64::new(0));
        let counter = writes.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watch.borrow() == Link::Cut {
                    continue;
                }
                let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pipe(
                    client_read,
                    server_write,
                    watch.clone(),
                    Some(counter.clone()),
                ));
                tokio::spawn(pipe(server_read, client_write, watch.clone(), None));
            }
        });
        Self { port, link, writes }
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A Redis URL through the proxy (for [`TcpProxy::redis`]).
    pub fn redis_url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// How many times the service has sent bytes through (one write per
    /// command or pipeline, give or take TCP).
    pub fn writes(&self) -> u64 {
        AtomicU64::load(&self.writes, Ordering::SeqCst)
    }

    /// Stalls every connection: bytes are held, nothing is closed.
    pub fn freeze(&self) {
        self.link.send_replace(Link::Frozen);
    }

    /// Closes every connection and drops new ones.
    pub fn cut(&self) {
        self.link.send_replace(Link::Cut);
    }

    /// Lets connections through again (closed ones stay closed).
    pub fn restore(&self) {
        self.link.send_replace(Link::Open);
    }
}

/// Copies bytes one way until either side closes or the link is cut;
/// while frozen, what was read waits.
async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut link: tokio::sync::watch::Receiver<Link>,
    writes: Option<Arc<AtomicU64>>,
) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = tokio::select! {
            read = from.read(&mut buffer) => read,
            _ = link.wait_for(|l| *l == Link::Cut) => return,
        };
        let n = match read {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if let Some(writes) = &writes {
            writes.fetch_add(1, Ordering::SeqCst);
        }
        match link.wait_for(|l| *l != Link::Frozen).await.map(|l| *l) {
            Ok(Link::Open) => {}
            _ => return,
        }
        let written = tokio::select! {
            written = to.write_all(&buffer[..n]) => written,
            _ = link.wait_for(|l| *l == Link::Cut) => return,
        };
        if written.is_err() {
            return;
        }
    }
}

fn fresh_name(service: &str) -> String {
    format!("shop_test_{service}_{}", uuid::Uuid::now_v7().simple())
}

fn settings_for(database: &str) -> DatabaseSettings {
    DatabaseSettings {
        url: url_for(database),
        pool_size: 4,
        timeout: Duration::from_secs(2),
    }
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let count: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(name)
            .get_result(conn)
            .await
            .expect("pg_database lookup");
    count.n > 0
}

async fn create_database(conn: &mut AsyncPgConnection, name: &str, template: Option<&str>) {
    let template = template
        .map(|t| format!(r#" TEMPLATE "{t}""#))
        .unwrap_or_default();
    diesel::sql_query(format!(r#"CREATE DATABASE "{name}"{template}"#))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
}

/// A Redis key prefix owned by one test; its keys are deleted with it.
pub struct TestRedis {
    prefix: String,
}

impl TestRedis {
    /// A new, unique prefix.
    pub fn new(service: &str) -> Self {
        Self {
            prefix: format!("test:{service}:{}:", uuid::Uuid::now_v7().simple()),
        }
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        use crate::redis::redis::Commands as _;
        let Ok(client) = crate::redis::redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
            return;
        };
        let keys: Vec<String> = conn
            .scan_match::<_, String>(format!("{}*", self.prefix))
            .map(|iter| iter.filter_map(Result::ok).collect())
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<(), _> = conn.del(keys);
        }
    }
}

/// The internal token every service under test is given.
pub const TEST_INTERNAL_TOKEN: &str = "test-internal-token-0123456789";

/// The environment a service under test starts with: its database, a private
/// Redis prefix, port 0, one worker, and `extra` on top.
pub fn test_env(db: &TestDatabase, redis: &TestRedis) -> Env {
    Env::from_pairs([
        ("DATABASE_URL", db.url().to_string()),
        ("DATABASE_POOL_SIZE", "4".to_owned()),
        ("DATABASE_TIMEOUT_MS", "2000".to_owned()),
        ("REDIS_URL", redis_url()),
        ("REDIS_KEY_PREFIX", redis.prefix().to_owned()),
        ("HOST", "127.0.0.1".to_owned()),
        ("PORT", "0".to_owned()),
        ("HTTP_WORKERS", "1".to_owned()),
        ("SHUTDOWN_TIMEOUT_SECS", "1".to_owned()),
        ("INTERNAL_API_TOKEN", TEST_INTERNAL_TOKEN.to_owned()),
    ])
}

/// Starts a built application in the background; returns its base URL.
pub fn spawn(app: Application) -> String {
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

/// Runs a service binary with an invalid `DATABASE_URL` and asserts that it
/// stops with an error naming the variable.
pub fn assert_bad_database_url_stops_startup(binary: &str) {
    let output = std::process::Command::new(binary)
        .env("DATABASE_URL", "this is not a database url")
        .env("PORT", "0")
        .env("LOG_FORMAT", "pretty")
        .output()
        .expect("the service binary runs");
    assert!(!output.status.success(), "start-up must fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL"),
        "stderr names the variable: {stderr}"
    );
}

/// A service running in the test process against its own database and Redis prefix.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    pub db: TestDatabase,
    pub redis: TestRedis,
    /// A plain HTTP client for talking to the service.
    pub http: reqwest::Client,
}

impl TestApp {
    /// Builds the service with `build` (the same function `main` uses) on a
    /// fresh migrated database, with `extra` variables on top of [`test_env`].
    pub async fn spawn<B, Fut>(
        service: &str,
        migrations: EmbeddedMigrations,
        migrations_dir: &Path,
        extra: &[(&str, &str)],
        build: B,
    ) -> Self
    where
        B: FnOnce(Env) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Application>>,
    {
        let db = TestDatabase::migrated(service, migrations, migrations_dir).await;
        Self::spawn_on(service, db, extra, build).await
    }

    /// Like [`spawn`](Self::spawn) on a database the caller made.
    pub async fn spawn_on<B, Fut>(
        service: &str,
        db: TestDatabase,
        extra: &[(&str, &str)],
        build: B,
    ) -> Self
    where
        B: FnOnce(Env) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Application>>,
    {
        let redis = TestRedis::new(service);
        let env = extra
            .iter()
            .fold(test_env(&db, &redis), |env, (k, v)| env.with(k, *v));
        let app = build(env).await.expect("the service builds");
        Self {
            address: spawn(app),
            db,
            redis,
            http: reqwest::Client::new(),
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("GET reaches the service")
    }

    /// `GET path` on an internal route, with the internal token of [`test_env`].
    pub async fn get_internal(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(
                shop_client::http::INTERNAL_TOKEN_HEADER,
                TEST_INTERNAL_TOKEN,
            )
            .send()
            .await
            .expect("GET reaches the service")
    }

    /// Asserts `/health/ready` is 200 with postgres `up`.
    pub async fn assert_ready(&self) {
        let response = self.get("/health/ready").await;
        assert_eq!(response.status(), 200);
        let report: shop_client::wire::HealthReport =
            response.json().await.expect("a health report");
        assert_eq!(
            report.checks["postgres"].status,
            shop_client::wire::CheckStatus::Up,
            "{report:?}"
        );
    }

    /// Cuts the database and asserts `/health/ready` turns 503 naming postgres.
    pub async fn assert_down_without_database(&self) {
        self.db.cut_connections().await;
        let response = self.get("/health/ready").await;
        assert_eq!(response.status(), 503);
        let report: shop_client::wire::HealthReport =
            response.json().await.expect("a health report");
        assert_eq!(report.status, shop_client::wire::HealthStatus::Down);
        assert_eq!(
            report.checks["postgres"].status,
            shop_client::wire::CheckStatus::Down,
            "{report:?}"
        );
        self.db.restore_connections().await;
    }
}

/// The routes a crate registers, read from its source: every
/// `.route("PATH", web::METHOD()...)` under `dir`, as `(METHOD, PATH)`.
/// shop-kit's own (health, metrics, `/openapi.json`) are included.
pub fn registered_routes(dir: &Path) -> std::collections::BTreeSet<(String, String)> {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = walk(dir)
        .into_iter()
        .chain(["health.rs", "metrics.rs", "server.rs"].map(|f| kit.join(f)))
        .filter(|f| f.extension().is_some_and(|e| e == "rs"));
    let mut routes = std::collections::BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let mut rest = source.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(path) = rest
                .trim_start()
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(path, _)| path)
            else {
                panic!("{}: a .route( without a literal path", file.display());
            };
            let after = rest.split_once('"').map_or("", |(_, r)| r);
            let after = after.split_once('"').map_or("", |(_, r)| r);
            let method = after
                .trim_start_matches([',', ' ', '\n'])
                .strip_prefix("web::")
                .and_then(|r| r.split_once("()"))
                .map(|(method, _)| method.to_ascii_uppercase());
            // A registration this reader cannot follow must not be skipped
            // quietly: the parity test would pass with the route unseen.
            let method = method.unwrap_or_else(|| {
                panic!(
                    "{}: .route(\"{path}\", ...) without web::METHOD()",
                    file.display()
                )
            });
            routes.insert((method, openapi_path(path)));
        }
    }
    routes
}

/// An actix path in OpenAPI's spelling: `{key:.+}` (a segment pattern) is `{key}`.
fn openapi_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find('}').unwrap_or(rest.len());
        let name = &rest[..close];
        out.push_str(name.split_once(':').map_or(name, |(name, _)| name));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// Every `(METHOD, PATH)` an OpenAPI document lists.
pub fn documented_routes(doc: &serde_json::Value) -> std::collections::BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            crate::openapi::METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (m.to_ascii_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Asserts the routes a service registers and the ones its document lists
/// are the same (the route/document parity test).
pub fn assert_routes_match_document(routes_dir: &Path, doc: &serde_json::Value) {
    let registered = registered_routes(routes_dir);
    let documented = documented_routes(doc);
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "routes served but not documented: {undocumented:?}; documented but not served: {unserved:?}"
    );
}

/// The start-up and health tests every service must pass, as test functions.
///
/// `spawn` builds the service on a fresh migrated database, `spawn_on` on a
/// given [`TestDatabase`]; `binary` is `env!("CARGO_BIN_EXE_<service>")`.
#[macro_export]
macro_rules! foundation_tests {
    (service = $service:expr, binary = $binary:expr, spawn = $spawn:path, spawn_on = $spawn_on:path, request = $request:expr $(,)?) => {
        /// A database that stops while a request waits on it (a query sent,
        /// no answer yet) is a 503 the client may retry, never a 500; once
        /// the database is back, the same request is served again.
        #[tokio::test]
        async fn a_database_cut_in_the_middle_of_a_request_is_a_503() {
            let db = $crate::testing::TestDatabase::empty($service).await;
            let proxy = $crate::testing::TcpProxy::postgres().await;
            let app = $spawn_on(db.through(&proxy)).await;
            let request = $request;
            let warm = request(&app).await;
            assert!(
                warm.status().as_u16() < 500,
                "before the cut: {}",
                warm.status()
            );

            proxy.freeze();
            let (response, ()) = tokio::join!(request(&app), async {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                proxy.cut();
            });
            assert_eq!(response.status(), 503);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["code"], "dependency_unavailable", "{body}");

            proxy.restore();
            let again = request(&app).await;
            assert!(
                again.status().as_u16() < 500,
                "after the cut: {}",
                again.status()
            );
        }

        #[tokio::test]
        async fn a_fresh_service_is_ready_with_postgres_up() {
            let app = $spawn().await;
            app.assert_ready().await;
            assert_eq!(app.get("/health/live").await.status(), 200);
        }

        #[tokio::test]
        async fn an_unreachable_database_makes_the_service_down() {
            let app = $spawn().await;
            app.assert_down_without_database().await;
        }

        #[tokio::test]
        async fn two_instances_starting_together_on_an_empty_database_both_come_up() {
            let db = $crate::testing::TestDatabase::empty($service).await;
            let same_db = db.handle();
            let (first, second) = tokio::join!($spawn_on(db), $spawn_on(same_db));
            first.assert_ready().await;
            second.assert_ready().await;
        }

        #[test]
        fn an_invalid_database_url_stops_start_up_naming_the_variable() {
            $crate::testing::assert_bad_database_url_stops_startup($binary);
        }

        #[tokio::test]
        async fn the_openapi_document_is_served() {
            let app = $spawn().await;
            let response = app.get("/openapi.json").await;
            assert_eq!(response.status(), 200);
            let doc: serde_json::Value = response.json().await.unwrap();
            assert_eq!(doc["info"]["title"], $service);
        }

        /// Every route the service registers is documented, and every
        /// documented route is registered.
        #[tokio::test]
        async fn the_document_lists_exactly_the_routes_the_service_serves() {
            let app = $spawn().await;
            let doc: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
            $crate::testing::assert_routes_match_document(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
                &doc,
            );
        }

        /// A method a documented path does not have is a 405 naming the
        /// ones it has; a path nobody serves is a 404.
        #[tokio::test]
        async fn a_method_a_path_does_not_have_is_a_405_with_allow() {
            let app = $spawn().await;
            let response = app
                .http
                .request(reqwest::Method::TRACE, app.url("/health/live"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 405);
            assert_eq!(response.headers()["allow"], "GET");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
            assert_eq!(app.get("/no/such/route").await.status(), 404);
        }

        #[tokio::test]
        async fn metrics_count_requests_by_route() {
            let app = $spawn().await;
            app.get("/health/live").await;
            let body = app.get("/metrics").await.text().await.unwrap();
            assert!(body.contains(r#"route="/health/live""#), "{body}");
            assert!(body.contains("pool_connections"), "{body}");
        }
    };
}

/// Signing keys for tests: tokens the service under test accepts (when it is
/// given [`TestKeys::pem`]) and forgeries it must refuse.
#[derive(Clone)]
pub struct TestKeys {
    signing_key: ed25519_dalek::SigningKey,
}

impl TestKeys {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self {
            signing_key: ed25519_dalek::SigningKey::from_bytes(&bytes),
        }
    }

    /// The private key as PKCS#8 PEM (for `USERS_JWT_PRIVATE_KEY`).
    pub fn pem(&self) -> String {
        use ed25519_dalek::pkcs8::{EncodePrivateKey as _, spki::der::pem::LineEnding};
        self.signing_key
            .to_pkcs8_pem(LineEnding::LF)
            .expect("PEM")
            .to_string()
    }

    /// The `kid` the issuer gives this key.
    pub fn kid(&self) -> String {
        crate::auth::key_id(&self.signing_key.verifying_key().to_bytes())
    }

    /// A token with these claims, signed with this key under `kid`.
    pub fn sign(&self, claims: &serde_json::Value, kid: &str) -> String {
        use ed25519_dalek::pkcs8::EncodePrivateKey as _;
        let der = self.signing_key.to_pkcs8_der().expect("DER");
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            claims,
            &jsonwebtoken::EncodingKey::from_ed_der(der.as_bytes()),
        )
        .expect("signing")
    }

    /// Claims for `sub` with `role`, valid for an hour, for issuer `shop-users`
    /// and audience `shop` (the defaults).
    pub fn claims(sub: uuid::Uuid, role: &str) -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        serde_json::json!({"sub": sub, "role": role, "iat": now, "exp": now + 3600, "iss": "shop-users", "aud": "shop"})
    }

    /// An unsigned token (`alg: none`) with these claims.
    pub fn unsigned(claims: &serde_json::Value) -> String {
        use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{body}.")
    }
}

impl TestKeys {
    /// The JWKS that publishes this key (what users serves).
    pub fn jwks(&self) -> serde_json::Value {
        use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
        serde_json::json!({"keys": [{
            "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
            "kid": self.kid(),
            "x": URL_SAFE_NO_PAD.encode(self.signing_key.verifying_key().to_bytes()),
        }]})
    }
}

/// An HTTP double for the users service that publishes `keys` at
/// `/.well-known/jwks.json`; point `USERS_URL` at it.
pub async fn jwks_double(keys: &TestKeys) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/.well-known/jwks.json"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(keys.jwks()))
        .mount(&server)
        .await;
    server
}
