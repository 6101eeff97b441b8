//! The audit log (admin only): who changed what, newest first.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::{self, models::AuditRow};
use crate::error::{ApiResult, Problem};
use crate::pagination;
use crate::services::audit::{self, AuditFilter};
use crate::state::State;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// `user:<id>`, `api_client:<id>`, `customer:<id>`, `anonymous` or `system`.
    pub actor: String,
    pub actor_role: Option<String>,
    /// `<entity>.<verb>`, e.g. `user.created`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The entity before the change; null for creations.
    pub before: Option<serde_json::Value>,
    /// The entity after the change; null for deletions.
    pub after: Option<serde_json::Value>,
    /// The `x-request-id` of the request that made the change.
    pub request_id: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            id: r.id,
            actor: r.actor,
            actor_role: r.actor_role,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
            request_id: r.request_id,
            at: r.at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryPage {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `user:1`
    pub actor: Option<String>,
    /// e.g. `user.created`
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
    /// Entries at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Search the audit log, newest first, with cursor pagination.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditEntryPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: State,
    query: web::Query<AuditQuery>,
) -> ApiResult<web::Json<AuditEntryPage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        request_id: q.request_id,
        from: q.from,
        to: q.to,
        before_id: pagination::decode_cursor(q.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        Ok(audit::list(conn, &filter, limit)?)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(AuditEntryPage {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}
