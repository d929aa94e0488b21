//! Starts the orders service.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9003, "/health/ready") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = orders::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("orders", &settings.base.telemetry)?;
    let app = orders::startup::build(settings).await?;
    tracing::info!(port = app.port(), "orders listening");
    app.run_until_stopped().await?;
    Ok(())
}
