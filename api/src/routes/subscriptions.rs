//! Subscriptions (services on the network), their provisioning jobs, live sessions from
//! accounting, and the static address pools.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use ipnet::IpNet;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{etag, if_match, FieldErrors};
use crate::auth::{Principal, Role};
use crate::db;
use crate::db::subscriptions::{IpPoolRow, JobRow};
use crate::domain::money::for_display;
use crate::domain::subscription::SuspendReason;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::ip_pools;
use crate::services::provisioning::{self as jobs, JobFilter, SessionRow, JOB_STATUSES};
use crate::services::subscriptions::{self as service, SubscriptionDetail};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_customer_subscriptions)
        .service(get_subscription)
        .service(suspend_subscription)
        .service(restore_subscription)
        .service(change_plan)
        .service(terminate_subscription)
        .service(subscription_credentials)
        .service(subscription_sessions)
        .service(list_jobs)
        .service(get_job)
        .service(retry_job)
        .service(list_ip_pools)
        .service(create_ip_pool)
        .service(delete_ip_pool);
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PendingChange {
    pub product_id: i64,
    pub product_name: String,
    pub plan_version: i32,
    pub effective_on: NaiveDate,
}

/// A subscription: one plan or add-on of a customer, with its network identity (never its
/// password: see `/credentials`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Subscription {
    pub id: i64,
    pub customer_id: i64,
    pub order_id: i64,
    /// `plan` or `addon`.
    pub kind: String,
    /// The plan subscription an add-on rides on.
    pub parent_id: Option<i64>,
    pub product_id: i64,
    pub product_code: String,
    pub product_name: String,
    pub product_version_id: i64,
    pub plan_version: i32,
    /// `pending` (waiting for activation), `active`, `suspended` or `terminated`.
    pub status: String,
    pub quantity: i32,
    pub currency: String,
    /// The monthly price of all units after the promotion's discount, before tax.
    #[schema(value_type = String, example = "49.00")]
    pub monthly_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub data_cap_gb: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub contract_months: i32,
    pub contract_end_on: Option<NaiveDate>,
    /// The day of month the billing period starts on (29–31: the month's last day in
    /// shorter months).
    pub billing_anchor_day: i32,
    /// PPPoE/hotspot username (plans only).
    pub username: Option<String>,
    /// The RADIUS group of the plan version.
    pub radius_group: Option<String>,
    pub static_ip: Option<String>,
    pub service_address_id: Option<i64>,
    /// `non_payment`, `customer_request` or `fraud` while suspended.
    pub suspend_reason: Option<String>,
    pub suspended_at: Option<DateTime<Utc>>,
    /// A downgrade waiting for the next billing period.
    pub pending_change: Option<PendingChange>,
    pub termination_reason: Option<String>,
    /// Owed at termination inside the contract.
    #[schema(value_type = Option<String>)]
    pub early_termination_fee: Option<Decimal>,
    /// Provisioning jobs pending or running.
    pub open_jobs: i64,
    /// Provisioning jobs that gave up and wait for staff.
    pub failed_jobs: i64,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SubscriptionDetail> for Subscription {
    fn from(d: SubscriptionDetail) -> Self {
        let r = d.row;
        let monthly = r.unit_monthly * Decimal::from(r.quantity) - r.discount_monthly;
        Subscription {
            id: r.id,
            customer_id: r.customer_id,
            order_id: r.order_id,
            kind: r.kind,
            parent_id: r.parent_id,
            product_id: r.product_id,
            product_code: d.product_code,
            product_name: d.product_name,
            product_version_id: r.product_version_id,
            plan_version: d.plan_version,
            status: r.status,
            quantity: r.quantity,
            monthly_price: for_display(monthly, &r.currency),
            currency: r.currency.clone(),
            download_mbps: d.download_mbps,
            upload_mbps: d.upload_mbps,
            data_cap_gb: d.data_cap_gb,
            started_at: r.started_at,
            ended_at: r.ended_at,
            contract_months: d.contract_months,
            contract_end_on: r.contract_end_on,
            billing_anchor_day: r.billing_anchor_day,
            username: r.username,
            radius_group: r.radius_group,
            static_ip: r.static_ip.map(|ip| ip.addr().to_string()),
            service_address_id: r.service_address_id,
            suspend_reason: r.suspend_reason,
            suspended_at: r.suspended_at,
            pending_change: match (d.pending_product, r.pending_change_on) {
                (Some((product_id, product_name, plan_version)), Some(effective_on)) => {
                    Some(PendingChange {
                        product_id,
                        product_name,
                        plan_version,
                        effective_on,
                    })
                }
                _ => None,
            },
            termination_reason: r.termination_reason,
            early_termination_fee: r.early_termination_fee.map(|f| for_display(f, &r.currency)),
            open_jobs: d.open_jobs,
            failed_jobs: d.failed_jobs,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionList {
    pub items: Vec<Subscription>,
}

fn with_etag(detail: SubscriptionDetail) -> HttpResponse {
    let version = detail.row.version;
    HttpResponse::Ok()
        .insert_header(etag(version))
        .json(Subscription::from(detail))
}

/// A customer's subscriptions: live ones first, then terminated ones.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer's subscriptions", body = SubscriptionList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/subscriptions")]
pub async fn list_customer_subscriptions(
    state: State,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SubscriptionList>> {
    let id = id.into_inner();
    let rows = db::run(&state.pool, move |conn| {
        service::list_for_customer(conn, id)
    })
    .await?;
    Ok(web::Json(SubscriptionList {
        items: rows.into_iter().map(Subscription::from).collect(),
    }))
}

/// One subscription (its ETag is its version, for `If-Match` on the commands).
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = Subscription),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/subscriptions/{id}")]
pub async fn get_subscription(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let detail = db::run(&state.pool, move |conn| service::find(conn, id)).await?;
    Ok(with_etag(detail))
}

fn check_note(errors: &mut FieldErrors, field: &str, note: Option<String>) -> Option<String> {
    match note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
        Some(n) if n.chars().count() > 1000 || n.chars().any(|c| c.is_control() && c != '\n') => {
            errors.add(
                field,
                "invalid",
                "at most 1000 characters, no control characters",
            );
            None
        }
        other => other,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendRequest {
    /// `non_payment`, `customer_request` or `fraud`.
    pub reason: String,
    /// Why, in words, for the timeline.
    pub note: Option<String>,
}

/// Suspend a plan: FreeRADIUS rejects the subscriber (or puts it in the walled garden, per
/// `SUSPEND_MODE`) and every open session is disconnected by the provisioning job.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = SuspendRequest,
    responses(
        (status = 200, description = "Suspended; a provisioning job carries it out", body = Subscription),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 403, description = "`forbidden`: finance and integrations suspend for non-payment only", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invalid_transition`, `addon_follows_plan`, `version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/subscriptions/{id}/suspend")]
pub async fn suspend_subscription(
    state: State,
    ctx: RequestContext,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<SuspendRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let expected = if_match(&req, "subscription")?;
    let mut errors = FieldErrors::default();
    let reason = SuspendReason::parse(&body.reason);
    if reason.is_none() {
        errors.add(
            "reason",
            "invalid",
            "must be non_payment, customer_request or fraud",
        );
    }
    let note = check_note(&mut errors, "note", body.note);
    errors.finish()?;
    let reason = reason.ok_or_else(|| ApiError::bad_request("invalid_request", "reason"))?;
    if !lifts_any_suspension(principal.role) && reason != SuspendReason::NonPayment {
        return Err(ApiError::forbidden(
            "finance and integrations suspend for non-payment only",
        ));
    }
    let config = state.config.provisioning.clone();
    let detail = db::run(&state.pool, move |conn| {
        service::suspend(conn, &ctx, &config, id, expected, reason, note)
    })
    .await?;
    state.wake_provisioning();
    Ok(with_etag(detail))
}

/// Finance and integrations act on non-payment only: a fraud suspension or one the customer
/// asked for is lifted by the people who deal with the customer.
fn lifts_any_suspension(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Manager | Role::Agent)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    pub note: Option<String>,
}

/// Restore a suspended plan: the overlay group is removed (and a walled-garden session gets
/// its plan's rate back by CoA).
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = RestoreRequest,
    responses(
        (status = 200, description = "Restored; a provisioning job carries it out", body = Subscription),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 403, description = "`forbidden`: finance and integrations lift non-payment suspensions only", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invalid_transition`, `addon_follows_plan`, `version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/subscriptions/{id}/restore")]
pub async fn restore_subscription(
    state: State,
    ctx: RequestContext,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<RestoreRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "subscription")?;
    let mut errors = FieldErrors::default();
    let note = check_note(&mut errors, "note", body.into_inner().note);
    errors.finish()?;
    let lift_any = lifts_any_suspension(principal.role);
    let config = state.config.provisioning.clone();
    let detail = db::run(&state.pool, move |conn| {
        service::restore(conn, &ctx, &config, id, expected, note, lift_any)
    })
    .await?;
    state.wake_provisioning();
    Ok(with_etag(detail))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePlanRequest {
    /// The plan to move to (its current version in the subscription's currency).
    pub product_id: i64,
    /// `next_cycle` or `immediate` for a downgrade; default: the ISP's `DOWNGRADE_POLICY`.
    /// Managers and admins only.
    pub downgrade: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanChangeResult {
    /// `upgrade`, `downgrade` or `sidegrade` (by monthly price).
    pub change: String,
    /// Today for upgrades; the next period's first day for a downgrade under `next_cycle`.
    pub effective_on: NaiveDate,
    pub subscription: Subscription,
}

/// Move a plan to another plan: upgrades (and sidegrades) now, downgrades per policy.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = ChangePlanRequest,
    responses(
        (status = 200, description = "Changed now (a provisioning job applies the new attributes) or scheduled", body = PlanChangeResult),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 403, description = "`forbidden`: only managers choose the downgrade policy", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invalid_transition`, `same_plan`, `addon_follows_plan`, `version_conflict`, `ip_pool_exhausted`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/subscriptions/{id}/change-plan")]
pub async fn change_plan(
    state: State,
    ctx: RequestContext,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ChangePlanRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let expected = if_match(&req, "subscription")?;
    let mut errors = FieldErrors::default();
    let policy = match body.downgrade.as_deref() {
        None => None,
        Some(p) => match crate::domain::subscription::DowngradePolicy::parse(p) {
            Some(p) => Some(p),
            None => {
                errors.add("downgrade", "invalid", "must be next_cycle or immediate");
                None
            }
        },
    };
    let note = check_note(&mut errors, "note", body.note);
    errors.finish()?;
    if policy.is_some() && !matches!(principal.role, Role::Admin | Role::Manager) {
        return Err(ApiError::forbidden(
            "only managers and admins choose when a downgrade takes effect",
        ));
    }
    let config = state.config.provisioning.clone();
    let product_id = body.product_id;
    let change = db::run(&state.pool, move |conn| {
        let request = service::PlanChangeRequest {
            product_id,
            policy,
            note,
        };
        service::change_plan(conn, &ctx, &config, id, expected, request)
    })
    .await?;
    state.wake_provisioning();
    let version = change.subscription.row.version;
    Ok(HttpResponse::Ok()
        .insert_header(etag(version))
        .json(PlanChangeResult {
            change: change.kind.as_str().to_owned(),
            effective_on: change.effective_on,
            subscription: change.subscription.into(),
        }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminateRequest {
    /// Why the service ends (1–1000 characters).
    pub reason: String,
    /// Waive the early-termination fee (managers and admins only).
    #[serde(default)]
    pub waive_fee: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TerminationResult {
    /// Owed because the contract had not ended; added to the next invoice. Zero when none.
    #[schema(value_type = String, example = "150.00")]
    pub early_termination_fee: Decimal,
    pub subscription: Subscription,
}

/// Terminate a subscription (a plan's add-ons end with it): FreeRADIUS forgets the user,
/// open sessions are disconnected, a static address returns to its pool, and inside the
/// contract the early-termination fee is charged unless a manager waives it.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = TerminateRequest,
    responses(
        (status = 200, description = "Terminated; a provisioning job carries it out", body = TerminationResult),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 403, description = "`forbidden`: only managers waive the fee", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invalid_transition`, `version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/subscriptions/{id}/terminate")]
pub async fn terminate_subscription(
    state: State,
    ctx: RequestContext,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<TerminateRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let expected = if_match(&req, "subscription")?;
    let mut errors = FieldErrors::default();
    let reason = check_note(&mut errors, "reason", Some(body.reason));
    if reason.is_none() && errors.is_empty() {
        errors.add("reason", "required", "say why the service ends");
    }
    errors.finish()?;
    let reason = reason.unwrap_or_default();
    if body.waive_fee && !matches!(principal.role, Role::Admin | Role::Manager) {
        return Err(ApiError::forbidden(
            "only managers and admins waive an early-termination fee",
        ));
    }
    let config = state.config.provisioning.clone();
    let waive = body.waive_fee;
    let done = db::run(&state.pool, move |conn| {
        service::terminate(conn, &ctx, &config, id, expected, reason, waive)
    })
    .await?;
    state.wake_provisioning();
    let version = done.subscription.row.version;
    let currency = done.subscription.row.currency.clone();
    Ok(HttpResponse::Ok()
        .insert_header(etag(version))
        .json(TerminationResult {
            early_termination_fee: for_display(done.early_termination_fee, &currency),
            subscription: done.subscription.into(),
        }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// The PPPoE/hotspot username and password, for the agent to give the customer. Each
/// reading is written to the audit log and the customer's timeline.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The credentials", body = Credentials),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`no_network_identity` (an add-on)", body = Problem),
    )
)]
#[get("/subscriptions/{id}/credentials")]
pub async fn subscription_credentials(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (username, password) = db::run(&state.pool, move |conn| {
        service::reveal_credentials(conn, &ctx, id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Credentials { username, password }))
}

/// A session from FreeRADIUS accounting.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub session_id: String,
    pub unique_id: String,
    pub nas_address: String,
    pub framed_ip: Option<String>,
    pub calling_station: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Absent while the session is open.
    pub stopped_at: Option<DateTime<Utc>>,
    pub session_seconds: Option<i64>,
    /// Uploaded by the subscriber, in bytes.
    pub input_octets: Option<i64>,
    /// Downloaded by the subscriber, in bytes.
    pub output_octets: Option<i64>,
    pub terminate_cause: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(s: SessionRow) -> Self {
        Session {
            session_id: s.session_id,
            unique_id: s.unique_id,
            nas_address: s.nas_address.addr().to_string(),
            framed_ip: s.framed_ip.map(|ip| ip.addr().to_string()),
            calling_station: s.calling_station,
            started_at: s.started_at,
            updated_at: s.updated_at,
            stopped_at: s.stopped_at,
            session_seconds: s.session_time,
            input_octets: s.input_octets,
            output_octets: s.output_octets,
            terminate_cause: s.terminate_cause,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    /// Open sessions first, then the latest closed ones (at most 20 in all).
    pub items: Vec<Session>,
}

/// Live and recent sessions of a plan's username, from `radius.radacct`.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Sessions", body = SessionList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/subscriptions/{id}/sessions")]
pub async fn subscription_sessions(
    state: State,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SessionList>> {
    let id = id.into_inner();
    let rows = db::run(&state.pool, move |conn| {
        let detail = service::find(conn, id)?;
        match detail.row.username {
            Some(username) => Ok(jobs::sessions(conn, &username, 20)?),
            None => Ok(Vec::new()),
        }
    })
    .await?;
    Ok(web::Json(SessionList {
        items: rows.into_iter().map(Session::from).collect(),
    }))
}

// ----------------------------------------------------------------------------------------
// Provisioning jobs.

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct JobLogEntry {
    pub at: DateTime<Utc>,
    pub attempt: i32,
    pub message: String,
}

/// A provisioning job: one change carried to FreeRADIUS and the NAS.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProvisioningJob {
    pub id: i64,
    pub subscription_id: i64,
    /// `activate`, `change_plan`, `suspend`, `restore`, `terminate`, `throttle`, `unthrottle`.
    pub action: String,
    /// `pending`, `running`, `done` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// What each attempt did and what the NAS answered.
    pub log: Vec<JobLogEntry>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<JobRow> for ProvisioningJob {
    fn from(j: JobRow) -> Self {
        let log = serde_json::from_value::<Vec<JobLogEntry>>(j.log).unwrap_or_default();
        ProvisioningJob {
            id: j.id,
            subscription_id: j.subscription_id,
            action: j.action,
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            next_attempt_at: j.next_attempt_at,
            last_error: j.last_error,
            log,
            created_by: j.created_by,
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct JobPage {
    pub items: Vec<ProvisioningJob>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// Comma-separated statuses: `pending`, `running`, `done`, `failed`.
    pub status: Option<String>,
    pub subscription_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Provisioning jobs, newest first.
#[utoipa::path(
    tag = "subscriptions",
    params(JobQuery),
    responses(
        (status = 200, description = "A page of jobs", body = JobPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/provisioning-jobs")]
pub async fn list_jobs(state: State, query: web::Query<JobQuery>) -> ApiResult<web::Json<JobPage>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before_id = pagination::decode_cursor(query.cursor.as_deref())?;
    let mut statuses = Vec::new();
    for s in query.status.iter().flat_map(|s| s.split(',')) {
        let s = s.trim();
        if !JOB_STATUSES.contains(&s) {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("unknown status {s:?}: use pending, running, done or failed"),
            ));
        }
        statuses.push(s.to_owned());
    }
    let filter = JobFilter {
        statuses,
        subscription_id: query.subscription_id,
        customer_id: query.customer_id,
        before_id,
    };
    let rows = db::run(&state.pool, move |conn| {
        Ok(jobs::list(conn, &filter, limit)?)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(JobPage {
        items: rows.into_iter().map(ProvisioningJob::from).collect(),
        next_cursor,
    }))
}

/// One provisioning job with its log.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = ProvisioningJob),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/provisioning-jobs/{id}")]
pub async fn get_job(state: State, id: web::Path<i64>) -> ApiResult<web::Json<ProvisioningJob>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| jobs::find(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Retry a failed job now, with a fresh set of attempts.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "Queued again", body = ProvisioningJob),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`job_not_failed`, `job_superseded` (a later job of the subscription came after it)", body = Problem),
    )
)]
#[post("/provisioning-jobs/{id}/retry")]
pub async fn retry_job(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ProvisioningJob>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| jobs::retry(conn, &ctx, id)).await?;
    state.wake_provisioning();
    Ok(web::Json(row.into()))
}

// ----------------------------------------------------------------------------------------
// Address pools.

/// A pool of static IPv4 addresses a plan or add-on hands out.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IpPool {
    pub id: i64,
    pub name: String,
    /// e.g. `203.0.113.0/24`.
    pub network: String,
    pub first_address: String,
    pub last_address: String,
    pub description: Option<String>,
    pub size: i64,
    /// Addresses held by subscriptions.
    pub used: i64,
    pub created_at: DateTime<Utc>,
}

impl From<(IpPoolRow, i64)> for IpPool {
    fn from((row, used): (IpPoolRow, i64)) -> Self {
        IpPool {
            size: ip_pools::size(&row),
            id: row.id,
            name: row.name,
            network: row.network.to_string(),
            first_address: row.first_address.addr().to_string(),
            last_address: row.last_address.addr().to_string(),
            description: row.description,
            used,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IpPoolList {
    pub items: Vec<IpPool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIpPoolRequest {
    /// Letters, digits, `.`, `_`, `-` (1–64).
    pub name: String,
    /// An IPv4 network, e.g. `203.0.113.0/24`.
    pub network: String,
    /// Default: the network's first host address.
    pub first_address: Option<String>,
    /// Default: the network's last host address.
    pub last_address: Option<String>,
    pub description: Option<String>,
}

/// The static address pools, with how many addresses are in use.
#[utoipa::path(tag = "network", responses((status = 200, description = "Every pool", body = IpPoolList)))]
#[get("/ip-pools")]
pub async fn list_ip_pools(state: State) -> ApiResult<web::Json<IpPoolList>> {
    let rows = db::run(&state.pool, ip_pools::list).await?;
    Ok(web::Json(IpPoolList {
        items: rows.into_iter().map(IpPool::from).collect(),
    }))
}

/// Add a pool of static addresses.
#[utoipa::path(
    tag = "network",
    request_body = CreateIpPoolRequest,
    responses(
        (status = 201, description = "Added", body = IpPool),
        (status = 409, description = "`ip_pool_name_taken`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/ip-pools")]
pub async fn create_ip_pool(
    state: State,
    ctx: RequestContext,
    body: Json<CreateIpPoolRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let name_ok = !body.name.is_empty()
        && body.name.len() <= 64
        && body
            .name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && body
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        errors.add("name", "invalid", "letters, digits, '.', '_' and '-', 1–64");
    }
    let network = match body.network.trim().parse::<IpNet>() {
        Ok(IpNet::V4(net)) if net.prefix_len() >= 12 => Some(net),
        Ok(IpNet::V4(_)) => {
            errors.add("network", "too_large", "at most a /12");
            None
        }
        _ => {
            errors.add(
                "network",
                "invalid",
                "an IPv4 network such as 203.0.113.0/24",
            );
            None
        }
    };
    let mut address =
        |field: &str, given: Option<&str>, default: Option<std::net::Ipv4Addr>| match given {
            None => default,
            Some(text) => match text.trim().parse::<std::net::Ipv4Addr>() {
                Ok(ip) if network.is_some_and(|n| n.contains(&ip)) => Some(ip),
                Ok(_) => {
                    errors.add(field, "outside_network", "must be inside the network");
                    None
                }
                Err(_) => {
                    errors.add(field, "invalid", "an IPv4 address");
                    None
                }
            },
        };
    let hosts = network.map(|n| {
        let mut h = n.hosts();
        let first = h.next();
        let last = n.hosts().last();
        (first, last)
    });
    let first = address(
        "first_address",
        body.first_address.as_deref(),
        hosts.and_then(|h| h.0),
    );
    let last = address(
        "last_address",
        body.last_address.as_deref(),
        hosts.and_then(|h| h.1),
    );
    if let (Some(a), Some(b)) = (first, last) {
        if a > b {
            errors.add(
                "last_address",
                "invalid",
                "must not come before first_address",
            );
        }
    }
    let description = check_note(&mut errors, "description", body.description);
    errors.finish()?;
    let (Some(network), Some(first), Some(last)) = (network, first, last) else {
        return Err(ApiError::bad_request(
            "invalid_request",
            "the pool is incomplete",
        ));
    };
    let new = ip_pools::NewPool {
        name: body.name,
        network: IpNet::V4(network),
        first,
        last,
        description,
    };
    let pool = db::run(&state.pool, move |conn| ip_pools::create(conn, &ctx, new)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/ip-pools/{}", pool.0.id)))
        .json(IpPool::from(pool)))
}

/// Remove a pool no product or subscription uses.
#[utoipa::path(
    tag = "network",
    params(("id" = i64, Path, description = "Pool id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`ip_pool_in_use`", body = Problem),
    )
)]
#[delete("/ip-pools/{id}")]
pub async fn delete_ip_pool(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| ip_pools::delete(conn, &ctx, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
