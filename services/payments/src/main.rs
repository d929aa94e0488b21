//! Starts the payments service.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9004, "/health/ready") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = payments::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("payments", &settings.base.telemetry)?;
    let app = payments::startup::build(settings).await?;
    tracing::info!(port = app.port(), "payments listening");
    app.run_until_stopped().await?;
    Ok(())
}
