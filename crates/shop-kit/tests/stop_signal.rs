//! A SIGTERM that arrives while a service is still starting (its workers
//! already running, nothing awaiting the signal yet) stops it cleanly: it is
//! not left to the default action, which kills the process mid-work.
//!
//! Alone in its own test binary: the signal goes to the whole process.

use std::{
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use shop_kit::{Application, config::ServerSettings, health::Health, metrics::Metrics};

#[tokio::test]
async fn a_sigterm_sent_before_the_service_waits_for_it_stops_it_cleanly() {
    let settings = ServerSettings {
        host: "127.0.0.1".into(),
        port: 0,
        workers: 1,
        body_limit_bytes: 1024,
        shutdown_timeout: Duration::from_secs(2),
    };
    let app = Application::build(
        &settings,
        Health::new("signal-test", "0"),
        Metrics::new("signal_test").unwrap(),
        |_| {},
    )
    .unwrap();
    let finished = Arc::new(AtomicBool::new(false));
    let seen = finished.clone();
    app.workers().spawn("holds-work", move |stop| async move {
        stop.cancelled().await;
        seen.store(true, Ordering::SeqCst);
    });

    let sent = Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // Delivered and handled while nothing awaits it yet.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopped = tokio::time::timeout(Duration::from_secs(10), app.run_until_stopped()).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "the early signal stopped the server: {stopped:?}"
    );
    assert!(
        finished.load(Ordering::SeqCst),
        "the worker was told to stop and finished its work"
    );
}
