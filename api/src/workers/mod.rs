//! Background work, run as tokio tasks inside the server process. Each task only touches
//! rows through short transactions, so any number of replicas can run side by side.

use std::time::Duration;

use crate::clock::SharedClock;
use crate::config::CapAction;
use crate::db::DbPool;
use crate::services::{maintenance, usage};

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

/// Reads FreeRADIUS accounting into usage records every `every` (`USAGE_POLL_MS`). A pass
/// is one transaction under the poller's row lock, so replicas take turns.
pub fn spawn_usage_poller(
    pool: DbPool,
    clock: SharedClock,
    every: Duration,
    overlap_secs: i64,
    cap_action: CapAction,
) {
    tokio::spawn(async move {
        // The first pass waits one interval: startup has enough to do.
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let pool = pool.clone();
            let now = clock.now();
            let result = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get()?;
                usage::poll_radacct(&mut conn, now, overlap_secs, cap_action)
            })
            .await;
            match result {
                Ok(Ok(pass)) if pass.records + pass.unmatched > 0 => {
                    tracing::info!(?pass, "usage poller pass")
                }
                Ok(Ok(pass)) => tracing::debug!(?pass, "usage poller pass"),
                Ok(Err(err)) => tracing::warn!(error = %err, "usage poller pass failed"),
                Err(err) => tracing::warn!(error = %err, "usage poller task failed"),
            }
        }
    });
}
