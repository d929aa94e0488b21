//! Starts the gateway on port 9000.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9000, "/health/live") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = gateway::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("gateway", &settings.telemetry)?;
    let app = gateway::startup::build(settings).await?;
    tracing::info!(port = app.port(), "gateway listening");
    app.run_until_stopped().await?;
    Ok(())
}
