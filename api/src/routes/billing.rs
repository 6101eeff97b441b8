//! Billing: bill runs, invoices, credit notes, the ledger, statements and one-time charges.
//! Amounts are strings with the currency's minor unit (`"29.90"`).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{etag, if_match, FieldErrors, PageQuery};
use crate::db;
use crate::db::schema::{bill_run_errors, bill_runs};
use crate::domain::billing::explain;
use crate::domain::money::for_display;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::audit::{self, Change};
use crate::services::billing::invoices::{
    self as service, CreditNoteRow, CreditNoteView, CreditRequest, InvoiceFilter, InvoiceRow,
    InvoiceView, LedgerRow, PendingChargeRow, CHARGE_KINDS,
};
use crate::services::billing::run::{self, BillRunRow, Mode};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_bill_run)
        .service(list_bill_runs)
        .service(get_bill_run)
        .service(issue_bill_run)
        .service(list_bill_run_errors)
        .service(list_invoices)
        .service(get_invoice)
        .service(issue_invoice)
        .service(void_invoice)
        .service(credit_invoice)
        .service(list_credit_notes)
        .service(get_credit_note)
        .service(customer_ledger)
        .service(customer_statement)
        .service(list_pending_charges)
        .service(add_pending_charge);
}

/// Days the API takes: 1970 to 2199 (what billing periods and PostgreSQL dates comfortably
/// hold).
fn sane_day(day: NaiveDate) -> bool {
    (1970..2200).contains(&chrono::Datelike::year(&day))
}

fn money(amount: Decimal, currency: &str) -> String {
    for_display(amount, currency).to_string()
}

// Bill runs ------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillRunRequest {
    /// Bill every subscription whose period starts (recurring, in advance) or whose usage
    /// period ends on or before this day. Not after today, except for a dry run.
    pub run_on: NaiveDate,
    /// `dry_run` (preview totals and a sample, writes no invoice), `draft` (invoices for
    /// review, issued later in one action) or `issue`.
    pub mode: String,
}

/// Totals of a run in one currency.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunTotals {
    pub currency: String,
    pub subtotal: String,
    pub tax: String,
    pub total: String,
}

/// An invoice a dry run would make.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SampleInvoice {
    pub customer_id: i64,
    pub account_number: String,
    pub customer_name: String,
    pub currency: String,
    pub period_start: Option<NaiveDate>,
    /// Exclusive.
    pub period_end: Option<NaiveDate>,
    pub subtotal: String,
    pub tax_total: String,
    pub total: String,
    pub lines: Vec<SampleLine>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SampleLine {
    pub kind: String,
    pub description: String,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub amount: String,
    pub tax_rate: String,
    pub tax_name: String,
    pub tax_amount: String,
    pub explanation: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BillRun {
    pub id: i64,
    pub run_on: NaiveDate,
    /// `dry_run`, `draft` or `issue`.
    pub mode: String,
    /// `manual` or `scheduled` (the daily run).
    pub trigger: String,
    /// `queued`, `running`, `issuing` (a draft run's invoices being issued), `completed` or
    /// `failed`.
    pub status: String,
    pub requested_by: String,
    /// Subscriptions due when the run was queued.
    pub subscriptions_total: i64,
    pub subscriptions_done: i64,
    /// 0–100.
    pub percent_done: i64,
    pub customers_done: i64,
    pub invoices_created: i64,
    pub lines_created: i64,
    /// Customers the run could not bill (see `/bill-runs/{id}/errors`).
    pub error_count: i64,
    pub totals: Vec<RunTotals>,
    /// A dry run's first invoices (at most 20), as they would be.
    pub sample: Option<Vec<SampleInvoice>>,
    pub last_error: Option<String>,
    pub drafts_issued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<BillRunRow> for BillRun {
    fn from(r: BillRunRow) -> Self {
        let percent_done = if r.status == "completed" {
            100
        } else if r.subscriptions_total > 0 {
            (r.subscriptions_done * 100 / r.subscriptions_total).min(99)
        } else {
            0
        };
        let mut totals: Vec<RunTotals> = r
            .totals
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(cur, t)| {
                        let get = |k: &str| {
                            let v: Decimal = t
                                .get(k)
                                .and_then(Value::as_str)
                                .and_then(|s| s.parse().ok())
                                .unwrap_or_default();
                            money(v, cur)
                        };
                        RunTotals {
                            currency: cur.clone(),
                            subtotal: get("subtotal"),
                            tax: get("tax"),
                            total: get("total"),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        totals.sort_by(|a, b| a.currency.cmp(&b.currency));
        BillRun {
            id: r.id,
            run_on: r.run_on,
            mode: r.mode,
            trigger: r.trigger,
            status: r.status,
            requested_by: r.requested_by,
            subscriptions_total: r.subscriptions_total,
            subscriptions_done: r.subscriptions_done,
            percent_done,
            customers_done: r.customers_done,
            invoices_created: r.invoices_created,
            lines_created: r.lines_created,
            error_count: r.error_count,
            totals,
            sample: r
                .sample
                .and_then(|v| serde_json::from_value::<Vec<SampleInvoice>>(v).ok()),
            last_error: r.last_error,
            drafts_issued_at: r.drafts_issued_at,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}

/// Start a bill run. It runs in the background: follow it with `GET /bill-runs/{id}`.
/// Running it again for the same day bills nothing twice (each subscription's period is
/// billed once, by a unique key); a run interrupted by a crash is taken over and finished.
#[utoipa::path(
    tag = "billing",
    request_body = BillRunRequest,
    responses(
        (status = 202, description = "Queued", body = BillRun),
        (status = 422, description = "`validation_failed`: `mode`, `run_on` after today for a draft or issue run", body = Problem),
    )
)]
#[post("/bill-runs")]
pub async fn create_bill_run(
    state: State,
    ctx: RequestContext,
    body: Json<BillRunRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mode = Mode::parse(&body.mode);
    if mode.is_none() {
        errors.add("mode", "invalid", "must be dry_run, draft or issue");
    }
    let today = ctx.now.date_naive();
    if !sane_day(body.run_on) || body.run_on > today + chrono::Duration::days(366) {
        errors.add(
            "run_on",
            "out_of_range",
            "a day from 1970 on, at most a year ahead",
        );
    } else if mode.is_some_and(|m| m != Mode::DryRun) && body.run_on > today {
        errors.add(
            "run_on",
            "in_the_future",
            "invoices are made on or after their day; preview a later day with a dry run",
        );
    }
    errors.finish()?;
    let mode = mode.ok_or_else(|| ApiError::bad_request("invalid_request", "mode"))?;
    let run_on = body.run_on;
    let row = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let row = run::create(conn, run_on, mode, "manual", &ctx.actor.label(), ctx.now)?;
            audit::record(
                conn,
                &ctx,
                Change {
                    action: "bill_run.created",
                    entity_type: "bill_run",
                    entity_id: row.id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({"run_on": run_on, "mode": mode.as_str(),
                                                   "subscriptions_due": row.subscriptions_total})),
                    customer_id: None,
                },
            )?;
            Ok(row)
        })
    })
    .await?;
    state.wake_billing();
    Ok(HttpResponse::Accepted().json(BillRun::from(row)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BillRunPage {
    pub items: Vec<BillRun>,
    pub next_cursor: Option<String>,
}

/// Bill runs, newest first.
#[utoipa::path(
    tag = "billing",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of runs", body = BillRunPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/bill-runs")]
pub async fn list_bill_runs(
    state: State,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<BillRunPage>> {
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        use diesel::prelude::*;
        let mut q = bill_runs::table
            .select(BillRunRow::as_select())
            .order(bill_runs::id.desc())
            .limit(limit + 1)
            .into_boxed();
        if let Some(id) = before {
            q = q.filter(bill_runs::id.lt(id));
        }
        Ok(q.load(conn)?)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(BillRunPage {
        items: rows.into_iter().map(BillRun::from).collect(),
        next_cursor,
    }))
}

fn find_run(conn: &mut diesel::PgConnection, id: i64) -> ApiResult<BillRunRow> {
    use diesel::prelude::*;
    bill_runs::table
        .find(id)
        .select(BillRunRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("bill run"))
}

/// A bill run: where it stands (poll it for progress), its counts and totals, and a dry
/// run's sample.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Bill run id")),
    responses(
        (status = 200, description = "The run", body = BillRun),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/bill-runs/{id}")]
pub async fn get_bill_run(state: State, id: web::Path<i64>) -> ApiResult<web::Json<BillRun>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| find_run(conn, id)).await?;
    Ok(web::Json(BillRun::from(row)))
}

/// Issue every draft invoice of a completed draft run, in one action: numbers in order
/// from the series, due dates by each customer's payment terms. Runs in the background
/// (status `issuing`, then `completed` with `drafts_issued_at`).
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Bill run id")),
    responses(
        (status = 202, description = "Issuing", body = BillRun),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`not_a_draft_run`, `run_not_completed`, `already_issued`", body = Problem),
    )
)]
#[post("/bill-runs/{id}/issue")]
pub async fn issue_bill_run(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| {
        use diesel::prelude::*;
        conn.transaction(|conn| {
            let run: BillRunRow = bill_runs::table
                .find(id)
                .select(BillRunRow::as_select())
                .for_update()
                .first(conn)
                .optional()?
                .ok_or_else(|| ApiError::not_found("bill run"))?;
            if run.mode != "draft" {
                return Err(ApiError::conflict(
                    "not_a_draft_run",
                    "only a draft run's invoices are issued this way",
                ));
            }
            if run.drafts_issued_at.is_some() || run.status == "issuing" {
                return Err(ApiError::conflict(
                    "already_issued",
                    "this run's drafts are issued already",
                ));
            }
            if run.status != "completed" {
                return Err(ApiError::conflict(
                    "run_not_completed",
                    "wait until the run has completed",
                ));
            }
            let row: BillRunRow = diesel::update(bill_runs::table.find(id))
                .set((
                    bill_runs::status.eq("issuing"),
                    bill_runs::locked_until.eq(None::<DateTime<Utc>>),
                    bill_runs::finished_at.eq(None::<DateTime<Utc>>),
                ))
                .returning(BillRunRow::as_returning())
                .get_result(conn)?;
            audit::record(
                conn,
                &ctx,
                Change {
                    action: "bill_run.issue",
                    entity_type: "bill_run",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({"invoices": run.invoices_created})),
                    customer_id: None,
                },
            )?;
            Ok(row)
        })
    })
    .await?;
    state.wake_billing();
    Ok(HttpResponse::Accepted().json(BillRun::from(row)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BillRunError {
    pub id: i64,
    pub customer_id: i64,
    pub code: String,
    pub message: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BillRunErrorPage {
    pub items: Vec<BillRunError>,
    pub next_cursor: Option<String>,
}

/// Customers a run could not bill, and why; they stay due for the next run.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Bill run id"), PageQuery),
    responses(
        (status = 200, description = "A page of errors", body = BillRunErrorPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/bill-runs/{id}/errors")]
pub async fn list_bill_run_errors(
    state: State,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<BillRunErrorPage>> {
    let id = id.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        use diesel::prelude::*;
        find_run(conn, id)?;
        let mut q = bill_run_errors::table
            .filter(bill_run_errors::bill_run_id.eq(id))
            .select((
                bill_run_errors::id,
                bill_run_errors::customer_id,
                bill_run_errors::code,
                bill_run_errors::message,
                bill_run_errors::at,
            ))
            .order(bill_run_errors::id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(a) = after {
            q = q.filter(bill_run_errors::id.gt(a));
        }
        Ok(q.load::<(i64, i64, String, String, DateTime<Utc>)>(conn)?)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.0);
    Ok(web::Json(BillRunErrorPage {
        items: rows
            .into_iter()
            .map(|(id, customer_id, code, message, at)| BillRunError {
                id,
                customer_id,
                code,
                message,
                at,
            })
            .collect(),
        next_cursor,
    }))
}

// Invoices -------------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InvoiceSummary {
    pub id: i64,
    /// Given at issue; absent on a draft.
    pub number: Option<String>,
    /// `draft`, `issued`, `partially_paid`, `paid` or `void`.
    pub status: String,
    pub customer_id: i64,
    pub account_number: String,
    pub customer_name: String,
    pub currency: String,
    pub period_start: Option<NaiveDate>,
    /// Exclusive.
    pub period_end: Option<NaiveDate>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub subtotal: String,
    pub tax_total: String,
    pub total: String,
    pub amount_paid: String,
    pub amount_credited: String,
    pub amount_due: String,
    /// Issued, past its due date and not settled.
    pub overdue: bool,
    pub bill_run_id: Option<i64>,
    pub version: i32,
}

fn summary(
    row: &InvoiceRow,
    account_number: String,
    customer_name: String,
    today: NaiveDate,
) -> InvoiceSummary {
    let c = row.currency.as_str();
    InvoiceSummary {
        id: row.id,
        number: row.number.clone(),
        status: row.status.clone(),
        customer_id: row.customer_id,
        account_number,
        customer_name,
        currency: row.currency.clone(),
        period_start: row.period_start,
        period_end: row.period_end,
        issue_date: row.issue_date,
        due_date: row.due_date,
        subtotal: money(row.subtotal, c),
        tax_total: money(row.tax_total, c),
        total: money(row.total, c),
        amount_paid: money(row.amount_paid, c),
        amount_credited: money(row.amount_credited, c),
        amount_due: money(row.amount_due(), c),
        overdue: row.overdue(today),
        bill_run_id: row.bill_run_id,
        version: row.version,
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InvoiceLine {
    pub id: i64,
    pub position: i32,
    /// `recurring`, `proration`, `usage`, `one_time`, `discount` or `fee`.
    pub kind: String,
    pub description: String,
    pub subscription_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
    /// Exclusive.
    pub period_end: Option<NaiveDate>,
    /// Precise (e.g. the share of a period, or GB).
    pub quantity: String,
    /// Precise.
    pub unit_price: String,
    /// Net, rounded once.
    pub amount: String,
    /// Percent.
    pub tax_rate: String,
    pub tax_name: String,
    pub tax_amount: String,
    /// Net amount credited on this line so far.
    pub credited: String,
    /// The rule that produced the line, in words ("why is my bill this amount").
    pub explanation: String,
    /// The rule's figures (`rule`: the rule's name; days, period days, GB over the cap …).
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub rule: Option<Value>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaxBreakdown {
    pub name: String,
    pub rate: String,
    pub base: String,
    pub tax: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditNoteSummary {
    pub id: i64,
    pub number: String,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub reason: String,
    pub currency: String,
    pub total: String,
    pub issue_date: NaiveDate,
}

fn credit_note_summary(r: &CreditNoteRow) -> CreditNoteSummary {
    CreditNoteSummary {
        id: r.id,
        number: r.number.clone(),
        invoice_id: r.invoice_id,
        customer_id: r.customer_id,
        reason: r.reason.clone(),
        currency: r.currency.clone(),
        total: money(r.total, &r.currency),
        issue_date: r.issue_date,
    }
}

/// An invoice with its lines, tax per rate and credit notes. Its ETag is its version.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invoice {
    #[serde(flatten)]
    pub summary: InvoiceSummary,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub lines: Vec<InvoiceLine>,
    pub taxes: Vec<TaxBreakdown>,
    pub credit_notes: Vec<CreditNoteSummary>,
}

pub(crate) fn invoice_json(v: InvoiceView, today: NaiveDate) -> Invoice {
    let c = v.row.currency.clone();
    let totals = crate::domain::billing::totals(
        v.lines
            .iter()
            .map(|(l, _)| (l.tax_name.as_str(), l.tax_rate, l.amount, l.tax_amount)),
    );
    Invoice {
        summary: summary(
            &v.row,
            v.customer.account_number.clone(),
            v.customer.name.clone(),
            today,
        ),
        void_reason: v.row.void_reason.clone(),
        voided_at: v.row.voided_at,
        created_at: v.row.created_at,
        issued_at: v.row.issued_at,
        lines: v
            .lines
            .iter()
            .map(|(l, credited)| InvoiceLine {
                id: l.id,
                position: l.position,
                kind: l.kind.clone(),
                description: l.description.clone(),
                subscription_id: l.subscription_id,
                period_start: l.period_start,
                period_end: l.period_end,
                quantity: l.quantity.normalize().to_string(),
                unit_price: l.unit_price.normalize().to_string(),
                amount: money(l.amount, &c),
                tax_rate: l.tax_rate.normalize().to_string(),
                tax_name: l.tax_name.clone(),
                tax_amount: money(l.tax_amount, &c),
                credited: money(*credited, &c),
                explanation: l.rule.as_ref().map(|r| explain(r, &c)).unwrap_or_default(),
                rule: l.rule.clone(),
            })
            .collect(),
        taxes: totals
            .by_rate
            .iter()
            .map(|t| TaxBreakdown {
                name: t.name.clone(),
                rate: t.rate.normalize().to_string(),
                base: money(t.base, &c),
                tax: money(t.tax, &c),
            })
            .collect(),
        credit_notes: v.credit_notes.iter().map(credit_note_summary).collect(),
    }
}

fn with_etag(v: InvoiceView, today: NaiveDate) -> HttpResponse {
    let version = v.row.version;
    HttpResponse::Ok()
        .insert_header(etag(version))
        .json(invoice_json(v, today))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Comma-separated statuses: `draft`, `issued`, `partially_paid`, `paid`, `void`.
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub bill_run_id: Option<i64>,
    /// Invoices whose billing period includes this day.
    pub period: Option<NaiveDate>,
    /// `true`: issued invoices past their due date with money still due.
    pub overdue: Option<bool>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

const INVOICE_STATUSES: &[&str] = &["draft", "issued", "partially_paid", "paid", "void"];

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InvoicePage {
    pub items: Vec<InvoiceSummary>,
    pub next_cursor: Option<String>,
}

/// Invoices, newest first.
#[utoipa::path(
    tag = "billing",
    params(InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices", body = InvoicePage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/invoices")]
pub async fn list_invoices(
    state: State,
    ctx: RequestContext,
    query: web::Query<InvoiceQuery>,
) -> ApiResult<web::Json<InvoicePage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let statuses: Vec<String> = q
        .status
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if let Some(bad) = statuses
        .iter()
        .find(|s| !INVOICE_STATUSES.contains(&s.as_str()))
    {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("unknown status {bad}; use {}", INVOICE_STATUSES.join(", ")),
        ));
    }
    if q.period.is_some_and(|d| !sane_day(d)) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "period must be a day from 1970 to 2199",
        ));
    }
    let today = ctx.now.date_naive();
    let filter = InvoiceFilter {
        statuses,
        customer_id: q.customer_id,
        bill_run_id: q.bill_run_id,
        period_on: q.period,
        overdue_on: q.overdue.unwrap_or(false).then_some(today),
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list(conn, &filter, limit, before)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.0.id);
    Ok(web::Json(InvoicePage {
        items: rows
            .into_iter()
            .map(|(r, a, n)| summary(&r, a, n, today))
            .collect(),
        next_cursor,
    }))
}

/// One invoice with its lines, each explained, its tax per rate and credit notes.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice", body = Invoice),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/invoices/{id}")]
pub async fn get_invoice(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = db::run(&state.pool, move |conn| service::find(conn, id)).await?;
    Ok(with_etag(v, ctx.now.date_naive()))
}

/// Issue a draft invoice: it gets the next number of the series and its due date, and is
/// final from then on.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Invoice id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses(
        (status = 200, description = "Issued", body = Invoice),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invoice_not_draft`, `version_conflict`", body = Problem),
    )
)]
#[post("/invoices/{id}/issue")]
pub async fn issue_invoice(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "invoice")?;
    let today = ctx.now.date_naive();
    let v = db::run(&state.pool, move |conn| {
        service::issue(conn, &ctx, id, expected)
    })
    .await?;
    Ok(with_etag(v, today))
}

fn check_reason(errors: &mut FieldErrors, reason: &str) -> String {
    let r = reason.trim().to_owned();
    if r.is_empty() || r.chars().count() > 500 || r.chars().any(|c| c.is_control() && c != '\n') {
        errors.add(
            "reason",
            "invalid",
            "1 to 500 characters, no control characters",
        );
    }
    r
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    /// Why, for the customer's timeline and the audit log.
    pub reason: String,
}

/// Void an issued invoice nothing was paid or credited on. Its number stays used; the
/// ledger takes its amount back. Correct a paid invoice with a credit note instead.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Invoice id"),
           ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    request_body = VoidRequest,
    responses(
        (status = 200, description = "Voided", body = Invoice),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invoice_not_issued`, `invoice_void`, `invoice_paid`, `version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/invoices/{id}/void")]
pub async fn void_invoice(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<VoidRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "invoice")?;
    let mut errors = FieldErrors::default();
    let reason = check_reason(&mut errors, &body.into_inner().reason);
    errors.finish()?;
    let today = ctx.now.date_naive();
    let v = db::run(&state.pool, move |conn| {
        service::void(conn, &ctx, id, expected, &reason)
    })
    .await?;
    Ok(with_etag(v, today))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditLineInput {
    pub invoice_line_id: i64,
    /// Net amount to credit on the line; all that is left of it when absent.
    #[schema(value_type = Option<String>, example = "10.00")]
    pub amount: Option<Decimal>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteRequest {
    /// `full` (everything left), `lines` (the `lines` given) or `amount` (a gross `amount`,
    /// spread over the invoice's tax rates).
    pub mode: String,
    pub reason: String,
    pub lines: Option<Vec<CreditLineInput>>,
    /// Gross amount, tax included (mode `amount`).
    #[schema(value_type = Option<String>, example = "15.00")]
    pub amount: Option<Decimal>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditNoteLine {
    pub id: i64,
    pub position: i32,
    pub invoice_line_id: Option<i64>,
    pub description: String,
    pub amount: String,
    pub tax_rate: String,
    pub tax_name: String,
    pub tax_amount: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditNote {
    #[serde(flatten)]
    pub summary: CreditNoteSummary,
    pub invoice_number: String,
    pub account_number: String,
    pub customer_name: String,
    pub subtotal: String,
    pub tax_total: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<CreditNoteLine>,
}

pub(crate) fn credit_note_json(v: CreditNoteView) -> CreditNote {
    let c = v.row.currency.clone();
    CreditNote {
        summary: credit_note_summary(&v.row),
        invoice_number: v.invoice_number,
        account_number: v.customer.account_number,
        customer_name: v.customer.name,
        subtotal: money(v.row.subtotal, &c),
        tax_total: money(v.row.tax_total, &c),
        created_by: v.row.created_by,
        created_at: v.row.created_at,
        lines: v
            .lines
            .iter()
            .map(|l| CreditNoteLine {
                id: l.id,
                position: l.position,
                invoice_line_id: l.invoice_line_id,
                description: l.description.clone(),
                amount: money(l.amount, &c),
                tax_rate: l.tax_rate.normalize().to_string(),
                tax_name: l.tax_name.clone(),
                tax_amount: money(l.tax_amount, &c),
            })
            .collect(),
    }
}

/// Credit an issued invoice: the whole of it, chosen lines, or an amount. The credit note
/// gets the next number of the `CN` series; credits never exceed the invoice, and what is
/// due goes down by the credit.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Invoice id"),
           ("If-Match" = Option<String>, Header, description = "The invoice's ETag")),
    request_body = CreditNoteRequest,
    responses(
        (status = 201, description = "The credit note", body = CreditNote),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`invoice_not_issued`, `invoice_void`, `nothing_to_credit`, `exceeds_invoice`, `version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`: `lines[i]` (`not_found`, `duplicate`, `invalid`, `exceeds_line`), `amount`", body = Problem),
    )
)]
#[post("/invoices/{id}/credit-notes")]
pub async fn credit_invoice(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<CreditNoteRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "invoice")?;
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let reason = check_reason(&mut errors, &body.reason);
    let request = match body.mode.as_str() {
        "full" => Some(CreditRequest::Full),
        "lines" => match body.lines {
            Some(lines) if !lines.is_empty() && lines.len() <= 500 => Some(CreditRequest::Lines(
                lines
                    .into_iter()
                    .map(|l| (l.invoice_line_id, l.amount))
                    .collect(),
            )),
            _ => {
                errors.add("lines", "required", "1 to 500 lines for mode lines");
                None
            }
        },
        "amount" => match body.amount {
            Some(a) if a > Decimal::ZERO => Some(CreditRequest::Amount(a)),
            _ => {
                errors.add("amount", "required", "a positive amount for mode amount");
                None
            }
        },
        _ => {
            errors.add("mode", "invalid", "must be full, lines or amount");
            None
        }
    };
    errors.finish()?;
    let request = request.ok_or_else(|| ApiError::bad_request("invalid_request", "mode"))?;
    let v = db::run(&state.pool, move |conn| {
        service::credit(conn, &ctx, id, expected, request, &reason)
    })
    .await?;
    Ok(HttpResponse::Created().json(credit_note_json(v)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreditNoteQuery {
    pub customer_id: Option<i64>,
    pub invoice_id: Option<i64>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreditNotePage {
    pub items: Vec<CreditNoteSummary>,
    pub next_cursor: Option<String>,
}

/// Credit notes, newest first.
#[utoipa::path(
    tag = "billing",
    params(CreditNoteQuery),
    responses(
        (status = 200, description = "A page of credit notes", body = CreditNotePage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/credit-notes")]
pub async fn list_credit_notes(
    state: State,
    query: web::Query<CreditNoteQuery>,
) -> ApiResult<web::Json<CreditNotePage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        service::list_credit_notes(conn, q.customer_id, q.invoice_id, limit, before)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(CreditNotePage {
        items: rows.iter().map(credit_note_summary).collect(),
        next_cursor,
    }))
}

/// One credit note with its lines.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Credit note id")),
    responses(
        (status = 200, description = "The credit note", body = CreditNote),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/credit-notes/{id}")]
pub async fn get_credit_note(state: State, id: web::Path<i64>) -> ApiResult<web::Json<CreditNote>> {
    let id = id.into_inner();
    let v = db::run(&state.pool, move |conn| service::find_credit_note(conn, id)).await?;
    Ok(web::Json(credit_note_json(v)))
}

// The ledger, statements, waiting charges --------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LedgerEntry {
    pub id: i64,
    /// `invoice`, `credit_note`, `payment`, `refund`, `fee`, `write_off` or `adjustment`.
    pub kind: String,
    /// Positive: the customer owes more.
    pub amount: String,
    pub currency: String,
    pub due_on: Option<NaiveDate>,
    pub reference_type: Option<String>,
    pub reference_id: Option<String>,
    pub description: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

fn ledger_json(r: &LedgerRow) -> LedgerEntry {
    LedgerEntry {
        id: r.id,
        kind: r.kind.clone(),
        amount: money(r.amount, &r.currency),
        currency: r.currency.clone(),
        due_on: r.due_on,
        reference_type: r.reference_type.clone(),
        reference_id: r.reference_id.clone(),
        description: r.description.clone(),
        occurred_at: r.occurred_at,
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LedgerPage {
    pub items: Vec<LedgerEntry>,
    pub next_cursor: Option<String>,
}

/// A customer's ledger, newest first: the balance is the sum of all entries.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Customer id"), PageQuery),
    responses(
        (status = 200, description = "A page of entries", body = LedgerPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/ledger")]
pub async fn customer_ledger(
    state: State,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<LedgerPage>> {
    let id = id.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        service::ledger(conn, id, limit, before)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(LedgerPage {
        items: rows.iter().map(ledger_json).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// First day (default: 90 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day, included (default: today).
    pub to: Option<NaiveDate>,
    /// `json` (default) or `pdf`.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementEntry {
    #[serde(flatten)]
    pub entry: LedgerEntry,
    /// The balance after this entry.
    pub balance: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Statement {
    pub customer_id: i64,
    pub account_number: String,
    pub customer_name: String,
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening_balance: String,
    pub closing_balance: String,
    pub entries: Vec<StatementEntry>,
}

/// A statement of account: the balance before `from`, each ledger entry up to `to` with the
/// running balance, and the closing balance. `format=pdf` gives it as a PDF.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Customer id"), StatementQuery),
    responses(
        (status = 200, description = "The statement (JSON, or with `format=pdf` a PDF)", content(
            (Statement = "application/json"),
            (super::documents::PdfFile = "application/pdf"),
        )),
        (status = 400, description = "`invalid_query`: `from` after `to`, a span over 3 years, a day before 1970 or after 2199, an unknown format", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/statement")]
pub async fn customer_statement(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    query: web::Query<StatementQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let q = query.into_inner();
    let to = q.to.unwrap_or_else(|| ctx.now.date_naive());
    let from = q.from.unwrap_or(to - chrono::Duration::days(90));
    if !sane_day(from) || !sane_day(to) || from > to || (to - from).num_days() > 3 * 366 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "from must be on or before to, at most three years apart, between 1970 and 2199",
        ));
    }
    let pdf = match q.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "format is json or pdf",
            ))
        }
    };
    let st = db::run(&state.pool, move |conn| {
        service::statement(conn, id, from, to)
    })
    .await?;
    if pdf {
        let bytes = super::documents::statement_pdf(&state.config.billing.company, &st)?;
        return Ok(super::documents::pdf_response(
            bytes,
            &format!("statement-{}-{}.pdf", st.customer.account_number, to),
        ));
    }
    let c = st.currency.clone();
    Ok(HttpResponse::Ok().json(Statement {
        customer_id: st.customer.id,
        account_number: st.customer.account_number.clone(),
        customer_name: st.customer.name.clone(),
        currency: c.clone(),
        from,
        to,
        opening_balance: money(st.opening, &c),
        closing_balance: money(st.closing, &c),
        entries: st
            .entries
            .iter()
            .map(|(r, b)| StatementEntry {
                entry: ledger_json(r),
                balance: money(*b, &c),
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PendingCharge {
    pub id: i64,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    /// `one_time`, `deposit`, `late_fee`, `reconnection_fee`, `installation`,
    /// `early_termination_fee`, `proration`, `discount` or `other`.
    pub kind: String,
    pub description: String,
    /// Negative for a credit.
    pub amount: String,
    pub currency: String,
    /// Billed by the first run on or after this day.
    pub charge_on: NaiveDate,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    /// The invoice it went on, once invoiced.
    pub invoice_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

fn pending_json(r: PendingChargeRow) -> PendingCharge {
    PendingCharge {
        amount: money(r.amount, &r.currency),
        id: r.id,
        customer_id: r.customer_id,
        subscription_id: r.subscription_id,
        kind: r.kind,
        description: r.description,
        currency: r.currency,
        charge_on: r.charge_on,
        period_start: r.period_start,
        period_end: r.period_end,
        invoice_id: r.invoice_id,
        created_at: r.created_at,
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PendingChargeList {
    pub items: Vec<PendingCharge>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PendingQuery {
    /// `true`: also the charges already invoiced (the newest 500 in all).
    pub all: Option<bool>,
}

/// Charges waiting for the customer's next invoice: one-time charges, fees, and the
/// prorations of mid-period changes.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Customer id"), PendingQuery),
    responses(
        (status = 200, description = "The charges", body = PendingChargeList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/pending-charges")]
pub async fn list_pending_charges(
    state: State,
    id: web::Path<i64>,
    query: web::Query<PendingQuery>,
) -> ApiResult<web::Json<PendingChargeList>> {
    let id = id.into_inner();
    let all = query.all.unwrap_or(false);
    let rows = db::run(&state.pool, move |conn| {
        service::pending_charges(conn, id, all)
    })
    .await?;
    Ok(web::Json(PendingChargeList {
        items: rows.into_iter().map(pending_json).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPendingCharge {
    /// `deposit`, `late_fee`, `reconnection_fee`, `installation` or `other`.
    pub kind: String,
    pub description: String,
    /// Net amount, positive, in the customer's currency.
    #[schema(value_type = String, example = "25.00")]
    pub amount: Decimal,
    /// The tax category (default `standard`; deposits are usually `exempt`).
    pub tax_category: Option<String>,
    /// Billed by the first run on or after this day (default today).
    pub charge_on: Option<NaiveDate>,
}

/// Add a one-time charge (a deposit, a fee, equipment) to the customer's next invoice.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = NewPendingCharge,
    responses(
        (status = 201, description = "Waiting for the next invoice", body = PendingCharge),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/customers/{id}/pending-charges")]
pub async fn add_pending_charge(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<NewPendingCharge>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    if !CHARGE_KINDS.contains(&b.kind.as_str()) {
        errors.add(
            "kind",
            "invalid",
            format!("must be one of {}", CHARGE_KINDS.join(", ")),
        );
    }
    let description = b.description.trim().to_owned();
    if description.is_empty()
        || description.chars().count() > 200
        || description.chars().any(char::is_control)
    {
        errors.add(
            "description",
            "invalid",
            "1 to 200 characters, no control characters",
        );
    }
    if b.amount <= Decimal::ZERO
        || b.amount.scale() > 4
        || b.amount > Decimal::new(1_000_000_000, 0)
    {
        errors.add(
            "amount",
            "invalid",
            "a positive amount, at most 4 decimals and 1,000,000,000",
        );
    }
    let category = b.tax_category.unwrap_or_else(|| "standard".to_owned());
    if category.is_empty()
        || category.len() > 50
        || !category.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        errors.add("tax_category", "invalid", "lower-case letters and _");
    }
    let today = ctx.now.date_naive();
    let charge_on = b.charge_on.unwrap_or(today);
    if (charge_on - today).num_days().abs() > 366 {
        errors.add("charge_on", "invalid", "within a year of today");
    }
    errors.finish()?;
    let row = db::run(&state.pool, move |conn| {
        service::add_charge(
            conn,
            &ctx,
            id,
            &b.kind,
            &description,
            b.amount,
            &category,
            charge_on,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(pending_json(row)))
}
