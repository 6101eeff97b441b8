use std::sync::Arc;

use api::clock::SystemClock;
use api::config::Config;
use api::{telemetry, Application};

/// glibc's allocator raises its mmap threshold to the size of the largest block freed, so
/// after one password hash (argon2 takes 19 MiB) every later hash is carved from a thread's
/// heap arena and kept there: each blocking thread that ever hashed a password would hold
/// ~19 MiB for good. A fixed threshold keeps large blocks on mmap, returned when freed; a
/// cap on arenas bounds what many threads can hold.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only adjusts allocator parameters; called once at startup, before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> anyhow::Result<()> {
    tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve())
}

async fn serve() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("--healthcheck") {
        std::process::exit(healthcheck().await);
    }
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

/// `ispbill --healthcheck`: exit 0 when the local server answers /healthz (for container
/// health checks, where no curl is installed).
async fn healthcheck() -> i32 {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .build();
    let Ok(client) = client else { return 1 };
    match client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
    {
        Ok(response) if response.status().is_success() => 0,
        _ => 1,
    }
}
