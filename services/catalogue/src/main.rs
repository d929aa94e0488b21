//! Starts the catalogue service.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9002, "/health/ready") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = catalogue::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("catalogue", &settings.base.telemetry)?;
    let app = catalogue::startup::build(settings).await?;
    tracing::info!(port = app.port(), "catalogue listening");
    app.run_until_stopped().await?;
    Ok(())
}
