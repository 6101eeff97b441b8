//! ispbill's API server: `Application::build(config, clock)` → `port()` → `run_until_stopped()`.

pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod pdf;
pub mod radius;
pub mod routes;
pub mod services;
pub mod spa;
pub mod state;
pub mod telemetry;
pub mod workers;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpMessage, HttpServer};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::TokenSigner;
use crate::auth::validity::ValidityCache;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::DbPool;
use crate::metrics::Metrics;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
}

/// What startup did that the operator must know.
pub struct StartupReport {
    pub admin: Option<services::bootstrap::BootstrapAdmin>,
    pub demo: Option<services::demo::Seeded>,
}

impl Application {
    /// Connects, migrates, bootstraps the admin (and the demo data when asked), and binds.
    pub async fn build(
        config: Config,
        clock: SharedClock,
    ) -> anyhow::Result<(Self, StartupReport)> {
        let pool = db::build_pool(&config.database_url, config.db_pool_size)?;
        let report = {
            let pool = pool.clone();
            let config = config.clone();
            let now = clock.now();
            tokio::task::spawn_blocking(move || -> anyhow::Result<StartupReport> {
                let mut conn = pool.get()?;
                db::run_migrations(&mut conn)?;
                let admin = services::bootstrap::ensure_admin(
                    &mut conn,
                    &config.admin_email,
                    config.admin_password.as_deref(),
                    now,
                )?;
                let demo = if config.demo_data {
                    services::demo::seed_demo(&mut conn, "USD", now, &config.provisioning)?
                } else {
                    None
                };
                Ok(StartupReport { admin, demo })
            })
            .await??
        };
        workers::spawn_maintenance(pool.clone(), clock.clone(), config.login_window_secs);
        let provisioning_wakeup = Arc::new(tokio::sync::Notify::new());
        workers::spawn_provisioning(
            pool.clone(),
            clock.clone(),
            config.provisioning.clone(),
            provisioning_wakeup.clone(),
        );
        workers::spawn_usage_poller(
            pool.clone(),
            clock.clone(),
            std::time::Duration::from_millis(config.usage_poll_ms),
            config.usage_poll_overlap_secs,
            config.usage_cap_action,
        );
        let billing_wakeup = Arc::new(tokio::sync::Notify::new());
        workers::spawn_billing(
            pool.clone(),
            clock.clone(),
            config.billing.clone(),
            billing_wakeup.clone(),
        );
        let listener = TcpListener::bind((config.host.as_str(), config.port))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            tokens: TokenSigner::new(&config.jwt_secret, config.access_token_ttl_secs),
            idempotency_key: derive_key(&config.jwt_secret, "idempotency-request-digest"),
            validity: ValidityCache::new(std::time::Duration::from_millis(
                config.auth_check_cache_ms,
            )),
            config: Arc::new(config.clone()),
            pool: pool.clone(),
            clock,
            provisioning_wakeup,
            billing_wakeup,
        });
        let metrics = web::Data::new(Metrics::new()?);
        let doc = openapi::document();
        let workers = config.workers;
        let server =
            HttpServer::new(move || build_app(state.clone(), metrics.clone(), doc.clone()))
                .workers(workers)
                // Blocking work is database work (and password hashing): more threads than
                // pooled connections would only wait for one, each with its own stack and
                // allocator arena. Excess work queues instead of spawning threads.
                .worker_max_blocking_threads(config.db_pool_size.max(2) as usize)
                .shutdown_timeout(30)
                .listen(listener)?
                .run();
        Ok((Application { port, server, pool }, report))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// A handle to stop the server gracefully (tests, signal handlers).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn build_app(
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
    doc: utoipa::openapi::OpenApi,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.config.max_body_bytes;
    let static_dir = state.config.static_dir.clone();
    // The document is served from inside `/api/v1`, so it must be registered before the
    // `/api/v1` scope, which would otherwise claim the path.
    App::new()
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", doc))
        .service(web::redirect("/docs", "/docs/"))
        .into_utoipa_app()
        .app_data(state)
        .app_data(metrics)
        .app_data(extract::BodyLimit(body_limit))
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(extract::path_config())
        .app_data(extract::query_config())
        .app_data(extract::form_config(body_limit))
        .configure(routes::configure)
        .into_app()
        .configure(|cfg| spa::configure(cfg, static_dir.as_deref()))
        .default_service(web::to(extract::no_route))
        // Innermost first: idempotency needs the caller that the access policy verified.
        .wrap(from_fn(idempotency::guard))
        .wrap(from_fn(auth::middleware::enforce_policy))
        .wrap(from_fn(metrics::record_request))
        .wrap(from_fn(add_request_id_header))
        .wrap(TracingLogger::default())
        .wrap(from_fn(extract::refuse_nul_in_query))
        .wrap(from_fn(extract::ensure_problem_body))
}

/// Echoes the request id (from the tracing span) as `x-request-id`, so a caller can quote it.
async fn add_request_id_header(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let mut res = next.call(req).await?;
    if let Some(id) = id {
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&id) {
            res.headers_mut().insert(
                actix_web::http::header::HeaderName::from_static("x-request-id"),
                value,
            );
        }
    }
    Ok(res)
}

/// A key for one purpose, derived from the configured secret (HMAC-SHA256 as a KDF), so one
/// secret to configure serves several uses without reusing the same key.
fn derive_key(secret: &str, purpose: &str) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().to_vec()
}
