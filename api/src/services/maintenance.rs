//! Housekeeping: rows that have done their job are deleted, so tables that grow with
//! traffic (login failures, idempotency records) stay small and keep nothing longer than
//! they must.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::db::schema::{idempotency_keys, login_failures};
use crate::error::ApiResult;
use crate::idempotency::RETENTION_HOURS;

#[derive(Debug, PartialEq, Eq)]
pub struct Pruned {
    pub idempotency_keys: usize,
    pub login_failures: usize,
}

pub fn prune(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    login_window_secs: i64,
) -> ApiResult<Pruned> {
    let idempotency_keys = diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(now - Duration::hours(RETENTION_HOURS))),
    )
    .execute(conn)?;
    let login_failures = diesel::delete(
        login_failures::table
            .filter(login_failures::failed_at.le(now - Duration::seconds(login_window_secs))),
    )
    .execute(conn)?;
    Ok(Pruned {
        idempotency_keys,
        login_failures,
    })
}
