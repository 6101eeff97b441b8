//! The database: connection pool, embedded migrations, and the bridge from async handlers
//! to sync diesel (`run`), which takes the pooled connection inside the blocking closure
//! because getting one can block too.

pub mod catalog;
pub mod customers;
pub mod leads;
pub mod models;
pub mod orders;
pub mod schema;
pub mod subscriptions;

use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

pub fn build_pool(database_url: &str, size: u32) -> anyhow::Result<DbPool> {
    let manager = ConnectionManager::<PgConnection>::new(database_url);
    Pool::builder()
        .max_size(size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| anyhow::anyhow!("connecting to PostgreSQL: {e}"))
}

pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<()> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    for migration in applied {
        tracing::info!(%migration, "applied migration");
    }
    Ok(())
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    // Carry the request's span onto the blocking thread, so logs from services keep the
    // request id.
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Runs `f` on the blocking thread pool with the pool itself, for work that must not hold a
/// connection throughout (password hashing between two transactions).
pub async fn run_with_pool<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&DbPool) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        f(&pool)
    })
    .await?
}
