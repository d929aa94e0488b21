//! Starts the fulfilment service.

use shop_kit::{config::Env, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = fulfilment::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("fulfilment", &settings.base.telemetry)?;
    let app = fulfilment::startup::build(settings).await?;
    tracing::info!(port = app.port(), "fulfilment listening");
    app.run_until_stopped().await?;
    Ok(())
}
