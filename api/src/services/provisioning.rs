//! The provisioning job queue and the FreeRADIUS adapter.
//!
//! A change to a subscription's network state is a row in `provisioning_jobs`, written in
//! the same transaction as the change. Workers (tokio tasks, any number of processes) claim
//! due jobs with `FOR UPDATE SKIP LOCKED`, one subscription's jobs strictly in order: a job
//! is not claimed while an earlier job of its subscription is not done. A claimed job holds
//! a lease; a worker that dies leaves the job to be taken over when the lease runs out.
//!
//! Running a job has two phases:
//! 1. **Database**, one transaction: the subscriber's rows in FreeRADIUS's tables
//!    (`radcheck` password, `radusergroup` plan group at priority 10 and overlays at 0/5,
//!    `radgroupreply`/`radgroupcheck` of the groups, `radreply` static address) are made to
//!    say what the job wants. Every write is "make it so" (delete and insert under a lock),
//!    so running a job twice changes nothing the second time. A user is never left with a
//!    password but no group: all rows of one change commit together.
//! 2. **Network**: for each open session in `radacct`, an RFC 5176 Disconnect-Request or
//!    CoA-Request to the session's NAS (`radius.nas`, its secret and CoA port). ACK is done;
//!    NAK with Error-Cause Session-Context-Not-Found is done (the session is gone); no answer
//!    or another NAK fails the attempt, which is retried with exponential backoff until
//!    `max_attempts`, then the job is `failed`, shown to staff, and can be retried by hand.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::ProvisioningConfig;
use crate::db::schema::{
    nas, provisioning_jobs, radacct, radcheck, radgroupcheck, radgroupreply, radreply,
    radusergroup, subscriptions,
};
use crate::db::subscriptions::{JobRow, NewJobRow, SubscriptionRow};
use crate::db::DbPool;
use crate::domain::subscription::{rate_limit, retry_delay_secs, SuspendMode};
use crate::error::{ApiError, ApiResult};
use crate::radius::client::{self, Nas, SendError};
use crate::radius::packet::{attr, error_cause, Attribute, Code};
use crate::services::audit::{self, Actor, Change};
use crate::state::RequestContext;

/// How long a claimed job is ours before another worker may take it over.
const LEASE_SECS: i64 = 120;
/// Priorities in `radusergroup`: overlays first (FreeRADIUS stops at the first group
/// without Fall-Through), the plan last.
pub const SUSPEND_PRIORITY: i32 = 0;
pub const THROTTLE_PRIORITY: i32 = 5;
pub const PLAN_PRIORITY: i32 = 10;
pub const THROTTLE_GROUP: &str = "throttled";
/// MikroTik's vendor id and its Mikrotik-Rate-Limit attribute.
const MIKROTIK: u32 = 14988;
const MIKROTIK_RATE_LIMIT: u8 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Activate,
    ChangePlan,
    Suspend,
    Restore,
    Terminate,
    Throttle,
    Unthrottle,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Activate,
        Action::ChangePlan,
        Action::Suspend,
        Action::Restore,
        Action::Terminate,
        Action::Throttle,
        Action::Unthrottle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Activate => "activate",
            Action::ChangePlan => "change_plan",
            Action::Suspend => "suspend",
            Action::Restore => "restore",
            Action::Terminate => "terminate",
            Action::Throttle => "throttle",
            Action::Unthrottle => "unthrottle",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

pub const JOB_STATUSES: [&str; 4] = ["pending", "running", "done", "failed"];

/// Queues a job, due now, in the caller's transaction.
pub fn enqueue(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    created_by: &str,
    now: DateTime<Utc>,
    subscription_id: i64,
    action: Action,
    payload: serde_json::Value,
) -> QueryResult<JobRow> {
    diesel::insert_into(provisioning_jobs::table)
        .values(NewJobRow {
            subscription_id,
            action: action.as_str(),
            payload,
            max_attempts: config.max_attempts,
            next_attempt_at: now,
            created_by,
            created_at: now,
            updated_at: now,
        })
        .returning(JobRow::as_returning())
        .get_result(conn)
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Takes the next due job, if any: pending and due, or running with an expired lease; and
/// no earlier job of the same subscription still pending or running. A failed job does not
/// hold back later ones: each job makes the rows say what the subscription should be now, so
/// a later job supersedes a failed earlier one (which can then no longer be retried).
pub fn claim(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Option<JobRow>> {
    conn.transaction(|conn| {
        let found = diesel::sql_query(
            "SELECT j.id FROM provisioning_jobs j \
             WHERE ((j.status = 'pending' AND j.next_attempt_at <= $1) \
                 OR (j.status = 'running' AND j.locked_until < $1)) \
               AND NOT EXISTS (SELECT 1 FROM provisioning_jobs e \
                               WHERE e.subscription_id = j.subscription_id AND e.id < j.id \
                                 AND e.status IN ('pending', 'running')) \
             ORDER BY j.next_attempt_at, j.id \
             LIMIT 1 FOR UPDATE OF j SKIP LOCKED",
        )
        .bind::<Timestamptz, _>(now)
        .get_result::<ClaimedId>(conn)
        .optional()?;
        let Some(found) = found else {
            return Ok(None);
        };
        diesel::update(provisioning_jobs::table.find(found.id))
            .set((
                provisioning_jobs::status.eq("running"),
                provisioning_jobs::attempts.eq(provisioning_jobs::attempts + 1),
                provisioning_jobs::locked_until.eq(now + chrono::Duration::seconds(LEASE_SECS)),
                provisioning_jobs::updated_at.eq(now),
            ))
            .returning(JobRow::as_returning())
            .get_result(conn)
            .map(Some)
    })
}

/// A Dynamic Authorization request the network phase sends.
#[derive(Debug, Clone)]
struct Request {
    code: Code,
    nas_address: String,
    session_id: String,
    username: String,
    /// Extra attributes of a CoA (the new rate).
    rate_limit: Option<String>,
}

/// What the database phase decided.
#[derive(Debug, Default)]
struct Plan {
    log: Vec<String>,
    requests: Vec<Request>,
}

/// Runs one claimed job to its end (done, retry later, or failed) and returns its row.
pub async fn run(
    pool: &DbPool,
    config: &ProvisioningConfig,
    job: JobRow,
    now: DateTime<Utc>,
) -> anyhow::Result<JobRow> {
    let started = std::time::Instant::now();
    let outcome = execute(pool, config, &job, now).await;
    // Backoff and finish times count from when the attempt ended, on the application clock.
    let ended = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    let pool = pool.clone();
    let config = config.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get()?;
        finish(&mut conn, &config, &job, outcome, ended).map_err(anyhow::Error::from)
    })
    .await?
}

/// Whether the job is still ours: running under the attempt we claimed. A worker whose lease
/// ran out and was taken over must not write the job's outcome or FreeRADIUS's rows.
fn still_ours(current: &JobRow, claimed: &JobRow) -> bool {
    current.status == "running" && current.attempts == claimed.attempts
}

/// The lease a job needs for its network phase: every request may wait its full timeout on
/// every try, plus a margin.
fn lease_for(config: &ProvisioningConfig, requests: usize) -> chrono::Duration {
    let network_ms =
        config.coa_timeout_ms as i64 * i64::from(config.coa_attempts) * requests as i64;
    chrono::Duration::seconds(LEASE_SECS) + chrono::Duration::milliseconds(network_ms)
}

async fn execute(
    pool: &DbPool,
    config: &ProvisioningConfig,
    job: &JobRow,
    now: DateTime<Utc>,
) -> Result<Vec<String>, (Vec<String>, String)> {
    let plan = {
        let pool = pool.clone();
        let config = config.clone();
        let job = job.clone();
        tokio::task::spawn_blocking(move || -> Result<Plan, String> {
            let mut conn = pool.get().map_err(|e| format!("database: {e}"))?;
            conn.transaction(|conn| apply(conn, &config, &job, now))
                .map_err(|e: ApiError| e.describe())
        })
        .await
        .map_err(|e| (Vec::new(), format!("worker: {e}")))?
        .map_err(|e| (Vec::new(), e))?
    };
    let mut log = plan.log;
    let mut failures = Vec::new();
    for request in plan.requests {
        match send(pool, config, &request).await {
            Ok(line) => log.push(line),
            Err(line) => {
                log.push(line.clone());
                failures.push(line);
            }
        }
    }
    if failures.is_empty() {
        Ok(log)
    } else {
        Err((log, failures.join("; ")))
    }
}

/// Sends one request and says in words what came back; `Err` when the attempt must be
/// retried.
async fn send(
    pool: &DbPool,
    config: &ProvisioningConfig,
    request: &Request,
) -> Result<String, String> {
    let what = match request.code {
        Code::DisconnectRequest => "Disconnect-Request",
        _ => "CoA-Request",
    };
    let target = {
        let pool = pool.clone();
        let address = request.nas_address.clone();
        tokio::task::spawn_blocking(move || -> Result<Option<(i32, String)>, String> {
            let mut conn = pool.get().map_err(|e| format!("database: {e}"))?;
            nas::table
                .filter(nas::nasname.eq(&address))
                .select((nas::coa_port, nas::secret))
                .first(&mut conn)
                .optional()
                .map_err(|e| format!("database: {e}"))
        })
        .await
        .map_err(|e| format!("worker: {e}"))??
    };
    let Some((port, secret)) = target else {
        return Err(format!(
            "{what} for session {} not sent: no NAS with address {} (add it under Network)",
            request.session_id, request.nas_address
        ));
    };
    let ip: IpAddr = request
        .nas_address
        .parse()
        .map_err(|_| format!("the NAS address {} is not an IP", request.nas_address))?;
    let target = Nas {
        address: SocketAddr::new(ip, port as u16),
        secret: secret.into_bytes(),
    };
    let mut attributes = vec![
        Attribute::text(attr::USER_NAME, &request.username),
        Attribute::text(attr::ACCT_SESSION_ID, &request.session_id),
    ];
    if let Some(rate) = &request.rate_limit {
        attributes.push(Attribute::vendor(
            MIKROTIK,
            MIKROTIK_RATE_LIMIT,
            rate.as_bytes(),
        ));
    }
    let answer = client::send(
        &target,
        request.code,
        &attributes,
        Duration::from_millis(config.coa_timeout_ms),
        config.coa_attempts,
    )
    .await;
    let on = format!(
        "{what} for session {} to {}",
        request.session_id, target.address
    );
    match answer {
        Ok(reply) => match reply.code {
            Code::DisconnectAck | Code::CoaAck => Ok(format!("{on}: ACK")),
            Code::DisconnectNak | Code::CoaNak => {
                let cause = reply
                    .attribute(attr::ERROR_CAUSE)
                    .and_then(Attribute::as_integer);
                if cause == Some(error_cause::SESSION_CONTEXT_NOT_FOUND) {
                    Ok(format!(
                        "{on}: NAK Session-Context-Not-Found (already gone)"
                    ))
                } else {
                    Err(format!(
                        "{on}: NAK{}",
                        cause.map_or(String::new(), |c| format!(" with Error-Cause {c}"))
                    ))
                }
            }
            other => Err(format!("{on}: unexpected answer {other:?}")),
        },
        Err(SendError::Timeout { attempts, .. }) => {
            Err(format!("{on}: no answer after {attempts} tries"))
        }
        Err(e) => Err(format!("{on}: {e}")),
    }
}

/// Records how the attempt went: done, pending again after a backoff, or failed.
fn finish(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    job: &JobRow,
    outcome: Result<Vec<String>, (Vec<String>, String)>,
    now: DateTime<Utc>,
) -> QueryResult<JobRow> {
    conn.transaction(|conn| {
        let current: JobRow = provisioning_jobs::table
            .find(job.id)
            .select(JobRow::as_select())
            .for_update()
            .first(conn)?;
        if !still_ours(&current, job) {
            tracing::warn!(
                job = job.id,
                "provisioning job taken over by another worker; its outcome is theirs"
            );
            return Ok(current);
        }
        let mut log = current.log.as_array().cloned().unwrap_or_default();
        let (lines, error) = match &outcome {
            Ok(lines) => (lines.clone(), None),
            Err((lines, error)) => (lines.clone(), Some(error.clone())),
        };
        for line in &lines {
            log.push(json!({"at": now, "attempt": current.attempts, "message": line}));
        }
        let (status, next_attempt_at, finished_at) = match &error {
            None => ("done", current.next_attempt_at, Some(now)),
            Some(_) if current.attempts >= current.max_attempts => {
                ("failed", current.next_attempt_at, None)
            }
            Some(_) => {
                let wait = retry_delay_secs(config.backoff_secs, current.attempts.max(1) as u32);
                (
                    "pending",
                    now + chrono::Duration::seconds(wait as i64),
                    None,
                )
            }
        };
        if let Some(error) = &error {
            let message = match status {
                "failed" => format!("attempt {} failed, giving up: {error}", current.attempts),
                _ => format!(
                    "attempt {} failed, retrying at {}: {error}",
                    current.attempts,
                    next_attempt_at.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            };
            log.push(json!({"at": now, "attempt": current.attempts, "message": message}));
        }
        if status == "done" && job.action == Action::Terminate.as_str() {
            // FreeRADIUS no longer hands the address out and the sessions holding it were
            // disconnected: it goes back to its pool (the plan's and its add-ons').
            diesel::update(
                subscriptions::table
                    .filter(
                        subscriptions::id
                            .eq(job.subscription_id)
                            .or(subscriptions::parent_id.eq(job.subscription_id)),
                    )
                    .filter(subscriptions::status.eq("terminated"))
                    .filter(subscriptions::static_ip.is_not_null()),
            )
            .set((
                subscriptions::static_ip.eq(None::<ipnet::IpNet>),
                subscriptions::updated_at.eq(now),
            ))
            .execute(conn)?;
        }
        let row: JobRow = diesel::update(provisioning_jobs::table.find(job.id))
            .set((
                provisioning_jobs::status.eq(status),
                provisioning_jobs::next_attempt_at.eq(next_attempt_at),
                provisioning_jobs::locked_until.eq(None::<DateTime<Utc>>),
                // A done job carries no error; a failed attempt its own.
                provisioning_jobs::last_error.eq(error.as_deref()),
                provisioning_jobs::log.eq(serde_json::Value::Array(log)),
                provisioning_jobs::updated_at.eq(now),
                provisioning_jobs::finished_at.eq(finished_at),
            ))
            .returning(JobRow::as_returning())
            .get_result(conn)?;
        if status == "failed" {
            let customer_id: i64 = subscriptions::table
                .find(job.subscription_id)
                .select(subscriptions::customer_id)
                .first(conn)?;
            audit::record_as(
                conn,
                &Actor::System,
                None,
                now,
                Change {
                    action: "provisioning.failed",
                    entity_type: "provisioning_job",
                    entity_id: job.id.to_string(),
                    before: None,
                    after: Some(json!({
                        "job_id": job.id,
                        "subscription_id": job.subscription_id,
                        "action": job.action,
                        "attempts": row.attempts,
                        "error": row.last_error,
                    })),
                    customer_id: Some(customer_id),
                },
            )?;
        }
        Ok(row)
    })
}

/// Puts a failed job back in the queue, due now, with a fresh set of attempts.
pub fn retry(conn: &mut PgConnection, ctx: &RequestContext, id: i64) -> ApiResult<JobRow> {
    conn.transaction(|conn| {
        let job: JobRow = provisioning_jobs::table
            .find(id)
            .select(JobRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("provisioning job"))?;
        if job.status != "failed" {
            return Err(ApiError::conflict(
                "job_not_failed",
                format!(
                    "the job is {}; only a failed job can be retried",
                    job.status
                ),
            ));
        }
        let later: Option<(i64, String)> = provisioning_jobs::table
            .filter(provisioning_jobs::subscription_id.eq(job.subscription_id))
            .filter(provisioning_jobs::id.gt(id))
            .order(provisioning_jobs::id.desc())
            .select((provisioning_jobs::id, provisioning_jobs::action))
            .first(conn)
            .optional()?;
        if let Some((later_id, action)) = later {
            return Err(ApiError::conflict(
                "job_superseded",
                format!(
                    "job {later_id} ({action}) came after it and says what the subscription \
                     is now; retrying this one would undo it"
                ),
            ));
        }
        let mut log = job.log.as_array().cloned().unwrap_or_default();
        log.push(json!({
            "at": ctx.now,
            "attempt": job.attempts,
            "message": format!("retried by {}", ctx.actor.label()),
        }));
        let row: JobRow = diesel::update(provisioning_jobs::table.find(id))
            .set((
                provisioning_jobs::status.eq("pending"),
                provisioning_jobs::max_attempts.eq(job.attempts + job.max_attempts.max(1)),
                provisioning_jobs::next_attempt_at.eq(ctx.now),
                provisioning_jobs::log.eq(serde_json::Value::Array(log)),
                provisioning_jobs::updated_at.eq(ctx.now),
            ))
            .returning(JobRow::as_returning())
            .get_result(conn)?;
        let customer_id: i64 = subscriptions::table
            .find(job.subscription_id)
            .select(subscriptions::customer_id)
            .first(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "provisioning.retried",
                entity_type: "provisioning_job",
                entity_id: id.to_string(),
                before: Some(json!({"status": "failed", "last_error": job.last_error})),
                after: Some(json!({
                    "job_id": id,
                    "subscription_id": job.subscription_id,
                    "action": job.action,
                    "status": "pending",
                })),
                customer_id: Some(customer_id),
            },
        )?;
        Ok(row)
    })
}

// ----------------------------------------------------------------------------------------
// The database phase: FreeRADIUS's rows.

/// One row of `radgroupcheck`/`radgroupreply`/`radreply`: attribute, operator, value.
type Avp = (&'static str, &'static str, String);

/// The reply attributes of a plan version's group.
pub fn plan_attributes(
    config: &ProvisioningConfig,
    download_mbps: Option<i32>,
    upload_mbps: Option<i32>,
) -> Vec<Avp> {
    let mut out = Vec::new();
    if let Some(rate) = rate_limit(download_mbps, upload_mbps) {
        out.push(("Mikrotik-Rate-Limit", ":=", rate));
    }
    if let Some(pool) = &config.framed_pool {
        out.push(("Framed-Pool", ":=", pool.clone()));
    }
    out.push((
        "Acct-Interim-Interval",
        ":=",
        config.interim_interval.to_string(),
    ));
    out
}

/// Check and reply items of the overlay groups.
fn overlay_group(config: &ProvisioningConfig, group: &str) -> (Vec<Avp>, Vec<Avp>) {
    let interim = (
        "Acct-Interim-Interval",
        ":=",
        config.interim_interval.to_string(),
    );
    match group {
        "suspended" => (
            vec![("Auth-Type", ":=", "Reject".to_owned())],
            vec![("Reply-Message", ":=", config.suspend_message.clone())],
        ),
        "walled_garden" => (
            Vec::new(),
            vec![
                ("Framed-Pool", ":=", config.walled_garden_pool.clone()),
                (
                    "Mikrotik-Rate-Limit",
                    ":=",
                    config.walled_garden_rate.clone(),
                ),
                interim,
            ],
        ),
        _ => {
            let mut reply = vec![("Mikrotik-Rate-Limit", ":=", config.throttle_rate.clone())];
            if let Some(pool) = &config.framed_pool {
                reply.push(("Framed-Pool", ":=", pool.clone()));
            }
            reply.push(interim);
            (Vec::new(), reply)
        }
    }
}

/// Serialises writers of one RADIUS name (user or group) across processes.
fn lock_name(conn: &mut PgConnection, kind: &str, name: &str) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind::<Text, _>(format!("radius:{kind}:{name}"))
        .execute(conn)
        .map(|_| ())
}

/// Makes a group's check and reply items exactly these.
fn ensure_group(
    conn: &mut PgConnection,
    group: &str,
    check: &[Avp],
    reply: &[Avp],
) -> QueryResult<()> {
    lock_name(conn, "group", group)?;
    diesel::delete(radgroupcheck::table.filter(radgroupcheck::groupname.eq(group)))
        .execute(conn)?;
    diesel::delete(radgroupreply::table.filter(radgroupreply::groupname.eq(group)))
        .execute(conn)?;
    for (attribute, op, value) in check {
        diesel::insert_into(radgroupcheck::table)
            .values((
                radgroupcheck::groupname.eq(group),
                radgroupcheck::attribute.eq(attribute),
                radgroupcheck::op.eq(op),
                radgroupcheck::value.eq(value),
            ))
            .execute(conn)?;
    }
    for (attribute, op, value) in reply {
        diesel::insert_into(radgroupreply::table)
            .values((
                radgroupreply::groupname.eq(group),
                radgroupreply::attribute.eq(attribute),
                radgroupreply::op.eq(op),
                radgroupreply::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Puts the user in `group` at `priority`, replacing whatever was at that priority.
fn set_group(
    conn: &mut PgConnection,
    username: &str,
    group: &str,
    priority: i32,
) -> QueryResult<()> {
    diesel::delete(
        radusergroup::table
            .filter(radusergroup::username.eq(username))
            .filter(radusergroup::priority.eq(priority)),
    )
    .execute(conn)?;
    diesel::insert_into(radusergroup::table)
        .values((
            radusergroup::username.eq(username),
            radusergroup::groupname.eq(group),
            radusergroup::priority.eq(priority),
        ))
        .execute(conn)
        .map(|_| ())
}

fn clear_group(conn: &mut PgConnection, username: &str, priority: i32) -> QueryResult<()> {
    diesel::delete(
        radusergroup::table
            .filter(radusergroup::username.eq(username))
            .filter(radusergroup::priority.eq(priority)),
    )
    .execute(conn)
    .map(|_| ())
}

fn set_check(
    conn: &mut PgConnection,
    username: &str,
    attribute: &str,
    value: &str,
) -> QueryResult<()> {
    diesel::delete(
        radcheck::table
            .filter(radcheck::username.eq(username))
            .filter(radcheck::attribute.eq(attribute)),
    )
    .execute(conn)?;
    diesel::insert_into(radcheck::table)
        .values((
            radcheck::username.eq(username),
            radcheck::attribute.eq(attribute),
            radcheck::op.eq(":="),
            radcheck::value.eq(value),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Makes the user's reply `attribute` this value, or removes it.
fn set_reply(
    conn: &mut PgConnection,
    username: &str,
    attribute: &str,
    value: Option<&str>,
) -> QueryResult<()> {
    diesel::delete(
        radreply::table
            .filter(radreply::username.eq(username))
            .filter(radreply::attribute.eq(attribute)),
    )
    .execute(conn)?;
    if let Some(value) = value {
        diesel::insert_into(radreply::table)
            .values((
                radreply::username.eq(username),
                radreply::attribute.eq(attribute),
                radreply::op.eq(":="),
                radreply::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct OpenSession {
    #[diesel(sql_type = Text)]
    session_id: String,
    #[diesel(sql_type = Text)]
    nas_address: String,
}

fn open_sessions(conn: &mut PgConnection, username: &str) -> QueryResult<Vec<OpenSession>> {
    diesel::sql_query(
        "SELECT acctsessionid AS session_id, host(nasipaddress) AS nas_address \
         FROM radius.radacct WHERE username = $1 AND acctstoptime IS NULL ORDER BY radacctid",
    )
    .bind::<Text, _>(username)
    .load(conn)
}

/// Requests for every open session of `username`.
fn to_sessions(
    conn: &mut PgConnection,
    username: &str,
    code: Code,
    rate_limit: Option<String>,
    plan: &mut Plan,
) -> QueryResult<()> {
    let sessions = open_sessions(conn, username)?;
    if sessions.is_empty() {
        plan.log.push(format!("{username} has no open session"));
    }
    for s in sessions {
        plan.requests.push(Request {
            code,
            nas_address: s.nas_address,
            session_id: s.session_id,
            username: username.to_owned(),
            rate_limit: rate_limit.clone(),
        });
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Speeds {
    #[diesel(sql_type = Nullable<diesel::sql_types::Integer>)]
    download_mbps: Option<i32>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Integer>)]
    upload_mbps: Option<i32>,
}

fn speeds_of(conn: &mut PgConnection, version_id: i64) -> QueryResult<Speeds> {
    diesel::sql_query("SELECT download_mbps, upload_mbps FROM product_versions WHERE id = $1")
        .bind::<BigInt, _>(version_id)
        .get_result(conn)
}

/// The plan subscription whose RADIUS user this subscription's rows belong to.
fn network_owner(conn: &mut PgConnection, sub: &SubscriptionRow) -> ApiResult<SubscriptionRow> {
    match sub.parent_id {
        Some(parent) if sub.kind == "addon" => Ok(subscriptions::table
            .find(parent)
            .select(SubscriptionRow::as_select())
            .first(conn)?),
        _ => Ok(sub.clone()),
    }
}

/// The static address a plan's user gets: its own, or an active add-on's.
fn static_address(conn: &mut PgConnection, plan: &SubscriptionRow) -> QueryResult<Option<String>> {
    if let Some(ip) = plan.static_ip {
        return Ok(Some(ip.addr().to_string()));
    }
    let addon: Option<Option<ipnet::IpNet>> = subscriptions::table
        .filter(subscriptions::parent_id.eq(plan.id))
        .filter(subscriptions::status.ne("terminated"))
        .filter(subscriptions::static_ip.is_not_null())
        .select(subscriptions::static_ip)
        .order(subscriptions::id)
        .first(conn)
        .optional()?;
    Ok(addon.flatten().map(|ip| ip.addr().to_string()))
}

/// Writes the plan's rows: password, plan group (and its attributes), static address.
fn write_plan_user(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    plan_sub: &SubscriptionRow,
    plan: &mut Plan,
) -> ApiResult<String> {
    let (Some(username), Some(password), Some(group)) = (
        plan_sub.username.as_deref(),
        plan_sub.password.as_deref(),
        plan_sub.radius_group.as_deref(),
    ) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "subscription {} has no network identity",
            plan_sub.id
        )));
    };
    lock_name(conn, "user", username)?;
    let speeds = speeds_of(conn, plan_sub.product_version_id)?;
    let attributes = plan_attributes(config, speeds.download_mbps, speeds.upload_mbps);
    ensure_group(conn, group, &[], &attributes)?;
    set_check(conn, username, "Cleartext-Password", password)?;
    set_group(conn, username, group, PLAN_PRIORITY)?;
    let ip = static_address(conn, plan_sub)?;
    set_reply(conn, username, "Framed-IP-Address", ip.as_deref())?;
    plan.log.push(format!(
        "{username}: password set, group {group} at priority {PLAN_PRIORITY}{}",
        ip.map_or(String::new(), |ip| format!(", Framed-IP-Address {ip}"))
    ));
    Ok(username.to_owned())
}

/// The rate a live session of the user should have now: the first overlay's (walled garden,
/// throttle) or the plan's; `None` while suspended by rejection (its sessions are gone) or
/// without a rate.
fn effective_rate(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    username: &str,
    sub: &SubscriptionRow,
) -> QueryResult<Option<String>> {
    let overlay: Option<String> = radusergroup::table
        .filter(radusergroup::username.eq(username))
        .filter(radusergroup::priority.lt(PLAN_PRIORITY))
        .order(radusergroup::priority)
        .select(radusergroup::groupname)
        .first(conn)
        .optional()?;
    match overlay.as_deref() {
        Some("suspended") => Ok(None),
        Some("walled_garden") => Ok(Some(config.walled_garden_rate.clone())),
        Some(THROTTLE_GROUP) => Ok(Some(config.throttle_rate.clone())),
        _ => {
            let speeds = speeds_of(conn, sub.product_version_id)?;
            Ok(rate_limit(speeds.download_mbps, speeds.upload_mbps))
        }
    }
}

/// The database phase of a job, in the caller's transaction.
fn apply(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    job: &JobRow,
    now: DateTime<Utc>,
) -> ApiResult<Plan> {
    let action = Action::parse(&job.action)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown action {}", job.action)))?;
    let current: JobRow = provisioning_jobs::table
        .find(job.id)
        .select(JobRow::as_select())
        .for_update()
        .first(conn)?;
    if !still_ours(&current, job) {
        return Err(ApiError::conflict(
            "lease_lost",
            "the job was taken over by another worker",
        ));
    }
    let plan = apply_action(conn, config, job, action, now)?;
    // Hold the job for as long as its network phase may take.
    diesel::update(provisioning_jobs::table.find(job.id))
        .set(provisioning_jobs::locked_until.eq(now + lease_for(config, plan.requests.len())))
        .execute(conn)?;
    Ok(plan)
}

fn apply_action(
    conn: &mut PgConnection,
    config: &ProvisioningConfig,
    job: &JobRow,
    action: Action,
    now: DateTime<Utc>,
) -> ApiResult<Plan> {
    let sub: SubscriptionRow = subscriptions::table
        .find(job.subscription_id)
        .select(SubscriptionRow::as_select())
        .for_update()
        .first(conn)?;
    let mut plan = Plan::default();
    match action {
        Action::Activate => {
            if sub.status == "terminated" {
                plan.log.push(
                    "the subscription was terminated before activation; nothing to do".into(),
                );
                return Ok(plan);
            }
            let owner = network_owner(conn, &sub)?;
            if owner.status != "terminated" {
                write_plan_user(conn, config, &owner, &mut plan)?;
            }
            if sub.status == "pending" {
                crate::services::subscriptions::mark_active(conn, config, &sub, now)?;
                plan.log.push("subscription active".into());
            }
        }
        Action::ChangePlan => {
            let username = write_plan_user(conn, config, &sub, &mut plan)?;
            let reconnect = job
                .payload
                .get("reconnect")
                .and_then(|r| r.as_bool())
                .unwrap_or(false);
            if reconnect {
                // The static address changed: only a new session gets the new one.
                to_sessions(conn, &username, Code::DisconnectRequest, None, &mut plan)?;
            } else if sub.status == "active" {
                if let Some(rate) = effective_rate(conn, config, &username, &sub)? {
                    to_sessions(conn, &username, Code::CoaRequest, Some(rate), &mut plan)?;
                }
            }
        }
        Action::Suspend => {
            let Some(username) = sub.username.clone() else {
                return Ok(plan);
            };
            let mode = job
                .payload
                .get("mode")
                .and_then(|m| m.as_str())
                .and_then(SuspendMode::parse)
                .unwrap_or(config.suspend_mode);
            let group = mode.overlay_group();
            lock_name(conn, "user", &username)?;
            let (check, reply) = overlay_group(config, group);
            ensure_group(conn, group, &check, &reply)?;
            set_group(conn, &username, group, SUSPEND_PRIORITY)?;
            if mode == SuspendMode::WalledGarden {
                // The user's own reply items come before any group's: a static address would
                // keep the subscriber out of the garden's pool.
                set_reply(conn, &username, "Framed-IP-Address", None)?;
            }
            plan.log.push(format!(
                "{username}: overlay group {group} at priority {SUSPEND_PRIORITY}"
            ));
            match mode {
                SuspendMode::Reject => {
                    to_sessions(conn, &username, Code::DisconnectRequest, None, &mut plan)?
                }
                SuspendMode::WalledGarden => to_sessions(
                    conn,
                    &username,
                    Code::CoaRequest,
                    Some(config.walled_garden_rate.clone()),
                    &mut plan,
                )?,
            }
        }
        Action::Restore => {
            let Some(username) = sub.username.clone() else {
                return Ok(plan);
            };
            lock_name(conn, "user", &username)?;
            clear_group(conn, &username, SUSPEND_PRIORITY)?;
            let ip = static_address(conn, &sub)?;
            set_reply(conn, &username, "Framed-IP-Address", ip.as_deref())?;
            plan.log
                .push(format!("{username}: suspension overlay removed"));
            let mode = job
                .payload
                .get("mode")
                .and_then(|m| m.as_str())
                .and_then(SuspendMode::parse);
            if mode == Some(SuspendMode::WalledGarden) {
                if ip.is_some() {
                    // Out of the garden's pool and back on the static address: reconnect.
                    to_sessions(conn, &username, Code::DisconnectRequest, None, &mut plan)?;
                } else {
                    let rate = effective_rate(conn, config, &username, &sub)?;
                    to_sessions(conn, &username, Code::CoaRequest, rate, &mut plan)?;
                }
            }
        }
        Action::Throttle | Action::Unthrottle => {
            let Some(username) = sub.username.clone() else {
                return Ok(plan);
            };
            lock_name(conn, "user", &username)?;
            let rate = if action == Action::Throttle {
                let (check, reply) = overlay_group(config, THROTTLE_GROUP);
                ensure_group(conn, THROTTLE_GROUP, &check, &reply)?;
                set_group(conn, &username, THROTTLE_GROUP, THROTTLE_PRIORITY)?;
                plan.log.push(format!(
                    "{username}: overlay group {THROTTLE_GROUP} at priority {THROTTLE_PRIORITY}"
                ));
                Some(config.throttle_rate.clone())
            } else {
                clear_group(conn, &username, THROTTLE_PRIORITY)?;
                plan.log.push(format!("{username}: throttle removed"));
                None
            };
            // A suspension outranks the throttle: its overlay decides what sessions get.
            let now_rate = effective_rate(conn, config, &username, &sub)?;
            let rate = match rate {
                Some(r) if now_rate.as_deref() == Some(r.as_str()) => Some(r),
                Some(_) => None,
                None => now_rate,
            };
            if sub.status == "active" {
                if let Some(rate) = rate {
                    to_sessions(conn, &username, Code::CoaRequest, Some(rate), &mut plan)?;
                }
            }
        }
        Action::Terminate => {
            if sub.kind == "addon" {
                let owner = network_owner(conn, &sub)?;
                if let Some(username) = owner.username.as_deref() {
                    if owner.status != "terminated" {
                        lock_name(conn, "user", username)?;
                        let ip = static_address(conn, &owner)?;
                        set_reply(conn, username, "Framed-IP-Address", ip.as_deref())?;
                        plan.log.push(format!(
                            "{username}: add-on removed{}",
                            ip.map_or(String::new(), |ip| format!(", Framed-IP-Address {ip}"))
                        ));
                        // A session holding the add-on's address must reconnect without it.
                        if sub.static_ip.is_some() {
                            to_sessions(conn, username, Code::DisconnectRequest, None, &mut plan)?;
                        }
                    }
                }
                return Ok(plan);
            }
            let Some(username) = sub.username.clone() else {
                return Ok(plan);
            };
            lock_name(conn, "user", &username)?;
            diesel::delete(radcheck::table.filter(radcheck::username.eq(&username)))
                .execute(conn)?;
            diesel::delete(radreply::table.filter(radreply::username.eq(&username)))
                .execute(conn)?;
            diesel::delete(radusergroup::table.filter(radusergroup::username.eq(&username)))
                .execute(conn)?;
            plan.log
                .push(format!("{username}: removed from FreeRADIUS"));
            to_sessions(conn, &username, Code::DisconnectRequest, None, &mut plan)?;
        }
    }
    Ok(plan)
}

// ----------------------------------------------------------------------------------------
// Reading the queue.

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub statuses: Vec<String>,
    pub subscription_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub before_id: Option<i64>,
}

pub fn list(conn: &mut PgConnection, filter: &JobFilter, limit: i64) -> QueryResult<Vec<JobRow>> {
    let mut query = provisioning_jobs::table
        .select(JobRow::as_select())
        .order(provisioning_jobs::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if !filter.statuses.is_empty() {
        query = query.filter(provisioning_jobs::status.eq_any(filter.statuses.clone()));
    }
    if let Some(id) = filter.subscription_id {
        query = query.filter(provisioning_jobs::subscription_id.eq(id));
    }
    if let Some(customer) = filter.customer_id {
        query = query.filter(
            provisioning_jobs::subscription_id.eq_any(
                subscriptions::table
                    .filter(subscriptions::customer_id.eq(customer))
                    .select(subscriptions::id),
            ),
        );
    }
    if let Some(before) = filter.before_id {
        query = query.filter(provisioning_jobs::id.lt(before));
    }
    query.load(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> ApiResult<JobRow> {
    provisioning_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("provisioning job"))
}

/// Sessions of a username from accounting: open ones first, then the latest closed ones.
#[derive(Debug, Clone, Queryable)]
pub struct SessionRow {
    pub session_id: String,
    pub unique_id: String,
    pub nas_address: ipnet::IpNet,
    pub framed_ip: Option<ipnet::IpNet>,
    pub started_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub session_time: Option<i64>,
    pub input_octets: Option<i64>,
    pub output_octets: Option<i64>,
    pub terminate_cause: Option<String>,
    pub calling_station: Option<String>,
}

pub fn sessions(
    conn: &mut PgConnection,
    username: &str,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    radacct::table
        .filter(radacct::username.eq(username))
        .order((
            radacct::acctstoptime.is_not_null(),
            radacct::acctstarttime.desc().nulls_last(),
            radacct::radacctid.desc(),
        ))
        .limit(limit)
        .select((
            radacct::acctsessionid,
            radacct::acctuniqueid,
            radacct::nasipaddress,
            radacct::framedipaddress,
            radacct::acctstarttime,
            radacct::acctupdatetime,
            radacct::acctstoptime,
            radacct::acctsessiontime,
            radacct::acctinputoctets,
            radacct::acctoutputoctets,
            radacct::acctterminatecause,
            radacct::callingstationid,
        ))
        .load(conn)
}
