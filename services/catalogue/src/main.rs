//! Starts the catalogue service.

use shop_kit::{config::Env, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = catalogue::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("catalogue", &settings.base.telemetry)?;
    let app = catalogue::startup::build(settings).await?;
    tracing::info!(port = app.port(), "catalogue listening");
    app.run_until_stopped().await?;
    Ok(())
}
