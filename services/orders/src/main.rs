//! Starts the orders service.

use shop_kit::{config::Env, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = orders::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("orders", &settings.base.telemetry)?;
    let app = orders::startup::build(settings).await?;
    tracing::info!(port = app.port(), "orders listening");
    app.run_until_stopped().await?;
    Ok(())
}
