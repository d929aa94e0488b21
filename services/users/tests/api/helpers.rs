//! Spawns the users service for a test, with a known signing key: in the
//! test process (`spawn_users`) or as the real binary in a child process
//! (`UsersProcess`, for what only a process shows: its memory, its exit).

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use shop_kit::testing::{TestApp, TestDatabase, TestKeys, TestRedis, redis_url};
use users::{config::Settings, db::MIGRATIONS, startup::build};
use uuid::Uuid;

pub use shop_kit::testing::TEST_INTERNAL_TOKEN as INTERNAL_TOKEN;
pub const PASSWORD: &str = "correct horse battery";

pub struct UsersApp {
    pub app: TestApp,
    pub keys: TestKeys,
}

impl std::ops::Deref for UsersApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The service on a fresh migrated database (the foundation tests' shape).
pub async fn spawn_app() -> TestApp {
    spawn_users(&[]).await.app
}

/// The service on a database the test made.
pub async fn spawn_app_on(db: TestDatabase) -> TestApp {
    TestApp::spawn_on("users", db, &[], start).await
}

/// The service signing with a key the test holds, plus `extra` variables.
pub async fn spawn_users(extra: &[(&str, &str)]) -> UsersApp {
    let keys = TestKeys::generate();
    let pem = keys.pem();
    let mut env: Vec<(&str, &str)> = vec![
        ("USERS_JWT_PRIVATE_KEY", &pem),
        ("ADMIN_PASSWORD", "admin-test-password"),
    ];
    env.extend_from_slice(extra);
    let app = TestApp::spawn("users", MIGRATIONS, migrations_dir(), &env, start).await;
    UsersApp { app, keys }
}

/// The service on `db` with only `env` on top of the test defaults (no
/// signing key unless `env` names one).
pub async fn spawn_with(db: TestDatabase, env: &[(&str, &str)]) -> TestApp {
    TestApp::spawn_on("users", db, env, start).await
}

async fn start(env: shop_kit::config::Env) -> anyhow::Result<shop_kit::Application> {
    build(Settings::from_env(&env)?).await
}

pub fn migrations_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
}

impl UsersApp {
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers `email` and signs in: (user id, access token).
    pub async fn customer(&self, email: &str) -> (Uuid, String) {
        let response = self
            .post(
                "/api/auth/register",
                &json!({"email": email, "password": PASSWORD, "name": "Test"}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let id: Uuid = response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        (id, self.token_for(email, PASSWORD).await)
    }

    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// An admin token signed with the service's own key.
    pub fn admin_token(&self) -> String {
        self.keys
            .sign(&TestKeys::claims(Uuid::now_v7(), "admin"), &self.keys.kid())
    }

    /// An internal call with the right token.
    pub async fn internal(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("x-internal-token", INTERNAL_TOKEN)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// A scratch directory under the system's temp dir, removed with the value.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(what: &str) -> Self {
        let path = std::env::temp_dir().join(format!("users-{what}-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The real `users` binary in a child process, killed when dropped.
pub struct UsersProcess {
    child: Child,
    pub address: String,
    pub http: reqwest::Client,
    log: PathBuf,
    _redis: TestRedis,
    _scratch: TempDir,
}

/// A port nobody listens on right now. A child process cannot report the
/// port it got from `PORT=0`, so the test picks one; the small window
/// before the child binds it is harmless on a test machine.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl UsersProcess {
    /// The command that runs the binary on `db` with a private Redis prefix,
    /// on a free port, and `extra` on top; its output goes to `log`.
    fn command(
        db: &TestDatabase,
        redis: &TestRedis,
        port: u16,
        log: &Path,
        extra: &[(&str, &str)],
    ) -> Command {
        let log_file = std::fs::File::create(log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_users"));
        command
            .env_clear()
            .env("DATABASE_URL", db.url().as_str())
            .env("DATABASE_POOL_SIZE", "8")
            .env("REDIS_URL", redis_url())
            .env("REDIS_KEY_PREFIX", redis.prefix())
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("HTTP_WORKERS", "2")
            .env("SHUTDOWN_TIMEOUT_SECS", "1")
            .env("INTERNAL_API_TOKEN", INTERNAL_TOKEN)
            .env("LOG_FORMAT", "pretty")
            .env("RUST_LOG", "warn")
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file.try_clone().unwrap()))
            .stderr(Stdio::from(log_file));
        command
    }

    /// Starts the binary and waits (at most 30 s) until it is ready.
    pub async fn start(db: &TestDatabase, extra: &[(&str, &str)]) -> Self {
        let redis = TestRedis::new("users");
        let scratch = TempDir::new("process");
        let log = scratch.path().join("users.log");
        let port = free_port();
        let child = Self::command(db, &redis, port, &log, extra)
            .spawn()
            .unwrap();
        let mut process = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            log,
            _redis: redis,
            _scratch: scratch,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = process.child.try_wait().unwrap() {
                panic!("users exited with {status}:\n{}", process.log());
            }
            let ready = process.http.get(process.url("/health/ready")).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return process;
            }
            assert!(
                Instant::now() < deadline,
                "users is not ready after 30 s:\n{}",
                process.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs the binary until it exits (at most 30 s): its status and output.
    pub async fn run_to_exit(
        db: &TestDatabase,
        extra: &[(&str, &str)],
    ) -> (std::process::ExitStatus, String) {
        let redis = TestRedis::new("users");
        let scratch = TempDir::new("process");
        let log = scratch.path().join("users.log");
        let mut child = Self::command(db, &redis, free_port(), &log, extra)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status, std::fs::read_to_string(&log).unwrap_or_default());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "users did not exit within 30 s:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// What the process printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// A `kB` line of `/proc/<pid>/status`, in KiB (`VmHWM` is the peak RSS).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/<pid>/status"))
    }
}

impl Drop for UsersProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
