//! Starts the fulfilment service.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9005, "/health/ready") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = fulfilment::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("fulfilment", &settings.base.telemetry)?;
    let app = fulfilment::startup::build(settings).await?;
    tracing::info!(port = app.port(), "fulfilment listening");
    app.run_until_stopped().await?;
    Ok(())
}
