//! Usage: records from other mediation systems (batches, idempotent by the caller's record
//! id), a subscription's usage per billing period, and accounting for unknown usernames.

use actix_web::{get, post, web};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{FieldErrors, PageQuery};
use crate::db;
use crate::domain::usage::percent_used;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::extract::BulkJson;
use crate::pagination;
use crate::services::usage::{self as service, NewUsageRecord};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_usage_records)
        .service(subscription_usage)
        .service(list_unmatched);
}

/// Records in one batch, at most.
pub const MAX_BATCH: usize = 1000;
/// How far ahead of the server's clock a record may be dated (clock skew between systems).
const MAX_FUTURE_SECS: i64 = 300;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecordBatch {
    /// 1 to 1,000 records, validated as a whole: one bad record rejects the batch.
    pub records: Vec<UsageRecordInput>,
}

/// One usage record. Name the subscription by `subscription_id` or by its network
/// `username`, not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecordInput {
    /// Your id for this record, 1–200 printable characters: a record whose id you sent
    /// before is ignored (the first one counts).
    #[schema(min_length = 1, max_length = 200)]
    pub id: String,
    pub subscription_id: Option<i64>,
    pub username: Option<String>,
    /// When the usage happened; it counts in the billing period containing this moment.
    pub occurred_at: DateTime<Utc>,
    /// Octets the subscriber sent (upload).
    #[schema(minimum = 0)]
    pub input_octets: i64,
    /// Octets the subscriber received (download).
    #[schema(minimum = 0)]
    pub output_octets: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UsageBatchResult {
    /// Records written now.
    pub accepted: i64,
    /// Records whose id you had sent before, ignored.
    pub duplicates: i64,
}

fn check_id(errors: &mut FieldErrors, i: usize, id: &str) {
    let len = id.chars().count();
    if len == 0 || len > 200 || id.chars().any(char::is_control) {
        errors.add(
            &format!("records[{i}].id"),
            "invalid",
            "1 to 200 characters, no control characters",
        );
    }
}

/// Record usage from another mediation system: a batch of 1 to 1,000 records, written in
/// one transaction. The batch is validated as a whole: any bad record, or one naming an
/// unknown subscription or username, rejects the batch (422, the record's index in the
/// field path, e.g. `records[17].input_octets`) and nothing is written. Records are
/// idempotent by your id: one you sent before is counted in `duplicates` and ignored.
#[utoipa::path(
    tag = "usage",
    request_body = UsageRecordBatch,
    responses(
        (status = 200, description = "Written (and already known) records", body = UsageBatchResult),
        (status = 413, description = "`payload_too_large`", body = Problem),
        (status = 422, description = "`validation_failed`: a field error per bad record (`invalid`, `unknown_subscription`, `unknown_username`, `too_many`, `duplicate_id`)", body = Problem),
    )
)]
#[post("/usage-records")]
pub async fn create_usage_records(
    state: State,
    ctx: RequestContext,
    body: BulkJson<UsageRecordBatch>,
) -> ApiResult<web::Json<UsageBatchResult>> {
    let batch = body.into_inner();
    if batch.records.is_empty() || batch.records.len() > MAX_BATCH {
        let code = if batch.records.is_empty() {
            "required"
        } else {
            "too_many"
        };
        return Err(ApiError::validation(vec![FieldError::new(
            "records",
            code,
            format!(
                "1 to {MAX_BATCH} records per batch ({} sent)",
                batch.records.len()
            ),
        )]));
    }
    let mut errors = FieldErrors::default();
    let latest = ctx.now + Duration::seconds(MAX_FUTURE_SECS);
    let mut seen = std::collections::HashMap::with_capacity(batch.records.len());
    let mut records = Vec::with_capacity(batch.records.len());
    for (i, r) in batch.records.into_iter().enumerate() {
        check_id(&mut errors, i, &r.id);
        if let Some(first) = seen.insert(r.id.clone(), i) {
            errors.add(
                &format!("records[{i}].id"),
                "duplicate_id",
                format!("the same id as records[{first}]"),
            );
        }
        match (&r.subscription_id, &r.username) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => errors.add(
                &format!("records[{i}].subscription_id"),
                "invalid",
                "give exactly one of subscription_id and username",
            ),
        }
        if let Some(name) = &r.username {
            if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
                errors.add(
                    &format!("records[{i}].username"),
                    "invalid",
                    "1 to 64 characters, no control characters",
                );
            }
        }
        if r.input_octets < 0 {
            errors.add(
                &format!("records[{i}].input_octets"),
                "invalid",
                "must be zero or more",
            );
        }
        if r.output_octets < 0 {
            errors.add(
                &format!("records[{i}].output_octets"),
                "invalid",
                "must be zero or more",
            );
        }
        if r.occurred_at > latest {
            errors.add(
                &format!("records[{i}].occurred_at"),
                "in_the_future",
                "usage cannot have happened after now",
            );
        }
        records.push(NewUsageRecord {
            external_id: r.id,
            subscription_id: r.subscription_id,
            username: r.username,
            occurred_at: r.occurred_at,
            input_octets: r.input_octets,
            output_octets: r.output_octets,
        });
    }
    errors.finish()?;
    // The caller's own namespace of ids: two systems may use the same record ids.
    let source_key = ctx.actor.label();
    let cap_action = state.config.usage_cap_action;
    let now = ctx.now;
    let result = db::run(&state.pool, move |conn| {
        service::ingest(conn, &source_key, &records, now, cap_action)
    })
    .await?;
    Ok(web::Json(UsageBatchResult {
        accepted: result.accepted,
        duplicates: result.duplicates,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day of the billing period (`YYYY-MM-DD`); default: the current period.
    pub period_start: Option<NaiveDate>,
}

/// A subscription's usage in one billing period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionUsage {
    pub subscription_id: i64,
    pub customer_id: i64,
    /// The period's first day.
    pub period_start: NaiveDate,
    /// The next period's first day (exclusive). Days are UTC.
    pub period_end: NaiveDate,
    /// Octets the subscriber sent (upload).
    pub input_octets: i64,
    /// Octets the subscriber received (download).
    pub output_octets: i64,
    pub total_octets: i64,
    /// The plan's data cap in octets (GB × 10⁹); absent without a cap.
    pub cap_octets: Option<i64>,
    /// Share of the cap used, percent with one decimal (rounded down); absent without a cap.
    #[schema(value_type = Option<String>, example = "42.5")]
    pub percent_used: Option<Decimal>,
    /// When the cap was reached in this period, if it was.
    pub cap_reached_at: Option<DateTime<Utc>>,
    /// One entry per day of the period, zeros included.
    pub days: Vec<DailyUsage>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DailyUsage {
    pub date: NaiveDate,
    pub input_octets: i64,
    pub output_octets: i64,
}

/// A subscription's usage in a billing period: totals, the cap and how much of it is used,
/// and the total of each day. Usage counts in the period containing the moment it was
/// observed.
#[utoipa::path(
    tag = "usage",
    params(("id" = i64, Path, description = "Subscription id"), PeriodQuery),
    responses(
        (status = 200, description = "The period's usage", body = SubscriptionUsage),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`: `period_start` is not one of the subscription's period starts", body = Problem),
    )
)]
#[get("/subscriptions/{id}/usage")]
pub async fn subscription_usage(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<SubscriptionUsage>> {
    let id = id.into_inner();
    let period_start = query.into_inner().period_start;
    let now = ctx.now;
    let usage = db::run(&state.pool, move |conn| {
        service::period_usage(conn, id, period_start, now)
    })
    .await?;
    let total = usage.input_octets.saturating_add(usage.output_octets);
    Ok(web::Json(SubscriptionUsage {
        subscription_id: usage.subscription_id,
        customer_id: usage.customer_id,
        period_start: usage.period.start,
        period_end: usage.period.end,
        input_octets: usage.input_octets,
        output_octets: usage.output_octets,
        total_octets: total,
        cap_octets: usage.cap_octets,
        percent_used: usage.cap_octets.map(|cap| percent_used(total, cap)),
        cap_reached_at: usage.cap_reached_at,
        days: usage
            .days
            .into_iter()
            .map(|d| DailyUsage {
                date: d.day,
                input_octets: d.input_octets,
                output_octets: d.output_octets,
            })
            .collect(),
    }))
}

/// Accounting for a username no subscription carries.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnmatchedUsage {
    pub username: String,
    /// Accounting sessions seen.
    pub sessions: i64,
    pub input_octets: i64,
    pub output_octets: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnmatchedUsageList {
    pub items: Vec<UnmatchedUsage>,
    pub next_cursor: Option<String>,
}

fn encode_username_cursor(username: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("u1:{username}"))
}

fn decode_username_cursor(cursor: Option<&str>) -> ApiResult<Option<String>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("u1:").map(str::to_owned))
        .map(Some)
        .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid"))
}

/// Accounting for usernames no subscription carries, summed per username (in username
/// order). It is never billed; it shows sessions the network allowed that billing does not
/// know.
#[utoipa::path(
    tag = "usage",
    params(PageQuery),
    responses((status = 200, description = "Unmatched usage by username", body = UnmatchedUsageList))
)]
#[get("/usage/unmatched")]
pub async fn list_unmatched(
    state: State,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<UnmatchedUsageList>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = decode_username_cursor(query.cursor.as_deref())?;
    let mut rows = db::run(&state.pool, move |conn| {
        service::list_unmatched(conn, after.as_deref(), limit)
    })
    .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_username_cursor(&r.username))
    } else {
        None
    };
    Ok(web::Json(UnmatchedUsageList {
        items: rows
            .into_iter()
            .map(|r| UnmatchedUsage {
                username: r.username,
                sessions: r.sessions,
                input_octets: r.input_octets,
                output_octets: r.output_octets,
                first_seen_at: r.first_seen_at,
                last_seen_at: r.last_seen_at,
            })
            .collect(),
        next_cursor,
    }))
}
