//! Background work, run as tokio tasks inside the server process. Each task only touches
//! rows through short transactions, so any number of replicas can run side by side.

use std::time::Duration;

use crate::clock::SharedClock;
use crate::db::DbPool;
use crate::services::maintenance;

/// How often housekeeping runs.
const MAINTENANCE_EVERY: Duration = Duration::from_secs(600);

/// Prunes expired idempotency records and login failures every ten minutes.
pub fn spawn_maintenance(pool: DbPool, clock: SharedClock, login_window_secs: i64) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(MAINTENANCE_EVERY);
        loop {
            ticks.tick().await;
            let pool = pool.clone();
            let now = clock.now();
            let result = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                maintenance::prune(&mut conn, now, login_window_secs)
            })
            .await;
            match result {
                Ok(Ok(pruned)) => tracing::debug!(?pruned, "maintenance"),
                Ok(Err(err)) => tracing::warn!(error = %err, "maintenance failed"),
                Err(err) => tracing::warn!(error = %err, "maintenance task failed"),
            }
        }
    });
}
