//! The one helper that records a change: an `audit_log` row (who, what, before/after,
//! request id) and, for changes that concern a customer, an `events` row. It runs on the
//! caller's connection, inside the caller's transaction, so a change and its record
//! commit or roll back together.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use serde_json::Value;

use crate::auth::{Principal, Role};
use crate::db::models::{AuditRow, NewAuditRow, NewEventRow};
use crate::db::schema::{audit_log, events};
use crate::state::RequestContext;

/// Who made a change.
#[derive(Debug, Clone)]
pub enum Actor {
    Principal(Principal),
    /// Unauthenticated requests (a login, a public form).
    Anonymous,
    /// The server itself: startup bootstrap, workers.
    System,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Actor::Principal(p) => p.subject.to_claim(),
            Actor::Anonymous => "anonymous".to_owned(),
            Actor::System => "system".to_owned(),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Principal(p) => Some(p.role),
            _ => None,
        }
    }
}

/// One change to record.
#[derive(Debug)]
pub struct Change<'a> {
    /// `<entity>.<verb>`, e.g. `user.created`; also the event type.
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// When the change concerns a customer, an event is appended to their timeline too.
    pub customer_id: Option<i64>,
}

/// A record as it goes into the audit log (`before` / `after`).
pub fn snapshot<T: serde::Serialize>(value: &T) -> Result<Value, crate::error::ApiError> {
    serde_json::to_value(value).map_err(crate::error::ApiError::internal)
}

pub fn record(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    change: Change<'_>,
) -> QueryResult<()> {
    record_as(conn, &ctx.actor, ctx.request_id.as_deref(), ctx.now, change)
}

pub fn record_as(
    conn: &mut PgConnection,
    actor: &Actor,
    request_id: Option<&str>,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> QueryResult<()> {
    let label = actor.label();
    if let Some(customer_id) = change.customer_id {
        let payload = change
            .after
            .clone()
            .or_else(|| change.before.clone())
            .unwrap_or(Value::Null);
        diesel::insert_into(events::table)
            .values(NewEventRow {
                event_type: change.action,
                customer_id,
                entity_type: change.entity_type,
                entity_id: &change.entity_id,
                payload,
                occurred_at: at,
                actor: Some(&label),
            })
            .execute(conn)?;
    }
    diesel::insert_into(audit_log::table)
        .values(NewAuditRow {
            actor: &label,
            actor_role: actor.role().map(Role::as_str),
            action: change.action,
            entity_type: change.entity_type,
            entity_id: &change.entity_id,
            before: change.before,
            after: change.after,
            request_id,
            at,
        })
        .execute(conn)?;
    Ok(())
}

/// Filters of the audit-log listing.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only entries with an id below this (the cursor), newest first.
    pub before_id: Option<i64>,
}

/// Newest first, `limit + 1` rows so the caller can tell whether a next page exists.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_log::entity_type.eq(entity_type.clone()));
    }
    if let Some(entity_id) = &filter.entity_id {
        query = query.filter(audit_log::entity_id.eq(entity_id.clone()));
    }
    if let Some(request_id) = &filter.request_id {
        query = query.filter(audit_log::request_id.eq(request_id.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
    }
    if let Some(before_id) = filter.before_id {
        query = query.filter(audit_log::id.lt(before_id));
    }
    query.load(conn)
}
