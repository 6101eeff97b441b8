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

/// Starts `config.workers` provisioning workers. Each claims one due job at a time (any
/// number of processes may run them side by side), runs it, and claims the next; when
/// nothing is due it waits for a wake-up from this process or the poll interval. Each poll
/// also carries out plan changes scheduled for today.
pub fn spawn_provisioning(
    pool: DbPool,
    clock: SharedClock,
    config: crate::config::ProvisioningConfig,
    wakeup: std::sync::Arc<tokio::sync::Notify>,
) {
    for worker in 0..config.workers {
        let pool = pool.clone();
        let clock = clock.clone();
        let config = config.clone();
        let wakeup = wakeup.clone();
        tokio::spawn(async move {
            let idle = Duration::from_millis(config.poll_ms);
            loop {
                match provisioning_pass(&pool, &clock, &config, worker == 0).await {
                    // Ran a job: look for the next one straight away.
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(err) => tracing::warn!(error = %err, "provisioning worker"),
                }
                let _ = tokio::time::timeout(idle, wakeup.notified()).await;
            }
        });
    }
}

/// Claims and runs one job; true when there was one. The first worker also applies
/// scheduled plan changes.
async fn provisioning_pass(
    pool: &DbPool,
    clock: &SharedClock,
    config: &crate::config::ProvisioningConfig,
    apply_schedules: bool,
) -> anyhow::Result<bool> {
    use crate::services::{provisioning, subscriptions};
    let now = clock.now();
    let claimed = {
        let pool = pool.clone();
        let config = config.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            if apply_schedules {
                // A failure here must not keep this worker from running jobs.
                match subscriptions::apply_due_changes(&mut conn, &config, now) {
                    Ok(0) => {}
                    Ok(changed) => tracing::info!(changed, "scheduled plan changes applied"),
                    Err(e) => tracing::warn!(error = %e.describe(), "scheduled plan changes"),
                }
            }
            Ok(provisioning::claim(&mut conn, now)?)
        })
        .await??
    };
    let Some(job) = claimed else {
        return Ok(false);
    };
    let (id, action) = (job.id, job.action.clone());
    let done = provisioning::run(pool, config, job, now).await?;
    tracing::info!(job = id, %action, status = %done.status, attempts = done.attempts, "provisioning job");
    Ok(true)
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

/// Runs bill runs: claims a queued run (or one whose worker died), runs it chunk by chunk
/// (each chunk one transaction), and looks for the next; when idle it waits for a wake-up
/// or `BILLING_POLL_MS`. With `BILLING_SCHEDULE` on, it queues the day's scheduled run (once
/// per day across replicas: a unique index) from `BILLING_SCHEDULE_HOUR` on.
pub fn spawn_billing(
    pool: DbPool,
    clock: SharedClock,
    config: crate::config::BillingConfig,
    wakeup: std::sync::Arc<tokio::sync::Notify>,
) {
    use crate::services::billing::run;
    tokio::spawn(async move {
        let idle = Duration::from_millis(config.poll_ms);
        loop {
            let pool2 = pool.clone();
            let clock2 = clock.clone();
            let schedule = config.schedule.clone();
            let chunk = config.chunk;
            let schedule_hour = config.schedule_hour;
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                let mut conn = pool2.get()?;
                let now = clock2.now();
                if let Some(mode) = schedule
                    .as_deref()
                    .and_then(run::Mode::parse)
                    .filter(|_| chrono::Timelike::hour(&now) >= schedule_hour)
                {
                    if let Err(e) = run::schedule(&mut conn, now.date_naive(), mode, now) {
                        tracing::warn!(error = %e, "scheduling the daily bill run");
                    }
                }
                let Some(claimed) = run::claim(&mut conn, clock2.now())? else {
                    return Ok(false);
                };
                tracing::info!(run = claimed.id, mode = %claimed.mode, run_on = %claimed.run_on, "bill run started");
                loop {
                    match run::step(&mut conn, claimed.id, clock2.now(), chunk) {
                        Ok(true) => continue,
                        Ok(false) => break,
                        Err(e) => {
                            let detail = e.describe();
                            tracing::error!(run = claimed.id, error = %detail, "bill run failed");
                            run::fail(&mut conn, claimed.id, &detail, clock2.now())?;
                            break;
                        }
                    }
                }
                tracing::info!(run = claimed.id, "bill run finished");
                Ok(true)
            })
            .await;
            match result {
                Ok(Ok(true)) => continue,
                Ok(Ok(false)) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "bill-run worker"),
                Err(err) => tracing::warn!(error = %err, "bill-run worker task"),
            }
            let _ = tokio::time::timeout(idle, wakeup.notified()).await;
        }
    });
}
