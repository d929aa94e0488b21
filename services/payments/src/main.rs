//! Starts the payments service.

use shop_kit::{config::Env, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = payments::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("payments", &settings.base.telemetry)?;
    let app = payments::startup::build(settings).await?;
    tracing::info!(port = app.port(), "payments listening");
    app.run_until_stopped().await?;
    Ok(())
}
