//! Starts the users service.

use shop_kit::{config::Env, telemetry};

fn main() -> anyhow::Result<()> {
    if let Some(code) = shop_kit::server::healthcheck_command(9001, "/health/ready") {
        std::process::exit(code);
    }
    run()
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let settings = users::config::Settings::from_env(&Env::from_process())?;
    let _telemetry = telemetry::init("users", &settings.base.telemetry)?;
    let app = users::startup::build(settings).await?;
    tracing::info!(port = app.port(), "users listening");
    app.run_until_stopped().await?;
    Ok(())
}
