use std::sync::Arc;

use api::clock::SystemClock;
use api::config::Config;
use api::{telemetry, Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("ispbill: configuration error: {err}");
            std::process::exit(2);
        }
    };
    telemetry::init(&config.log_level, config.log_format);
    let (app, report) = Application::build(config.clone(), Arc::new(SystemClock)).await?;
    let url = format!("http://localhost:{}", app.port());
    if let Some(admin) = &report.admin {
        match &admin.generated_password {
            // Printed once, to the operator's terminal, never logged.
            Some(password) => println!(
                "\n  Bootstrap admin created: {}  password: {}\n  (shown once; change it after logging in)\n",
                admin.email, password
            ),
            None => println!(
                "\n  Bootstrap admin created: {} (password from ADMIN_PASSWORD)\n",
                admin.email
            ),
        }
    }
    if let Some(demo) = &report.demo {
        tracing::info!(
            plans = demo.plans,
            customers = demo.customers,
            "seeded the demo ISP"
        );
    }
    println!("  ispbill is listening on {url}  (log in at {url}/login, API docs at {url}/docs/)\n");
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}
