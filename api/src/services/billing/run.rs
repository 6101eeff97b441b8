//! Bill runs: every subscription due by a date, invoiced in chunks.
//!
//! How a run goes (`step` is one chunk, one transaction):
//! 1. The run row is locked; the chunk starts after its `cursor_customer`.
//! 2. One query reads the next due subscriptions (`billed_through` or `usage_due_on` on or
//!    before the run date) in customer order with what rating needs; a chunk always holds
//!    whole customers. Their customers, usage totals and waiting charges follow, one query
//!    each.
//! 3. The rules (`domain::billing`) rate them into one invoice per customer, in memory.
//! 4. Invoice ids are taken from the sequence in one statement; in issue mode the numbers are
//!    taken from the series under its row lock. Invoices, lines, ledger entries and events
//!    go in by binary `COPY`; the subscriptions' billing state moves on in one `UPDATE …
//!    FROM unnest(…)` that only matches the state versions read in step 2, and the waiting
//!    charges are marked in another.
//! 5. The run's counters, totals and cursor are updated and the transaction commits.
//!
//! Safety: chunks of concurrent runs take turns under one advisory lock, so each reads what
//! the last committed; the unique index on (subscription, kind, period start) of recurring
//! and usage lines makes a double bill impossible whatever happens; the version check makes
//! a concurrent subscription change show up as a conflict, which rolls the chunk back and
//! reads it again. A crash
//! leaves whole chunks: the run (or the next) goes on from the cursor. A dry run reads the
//! same way and writes only its own progress and sample.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use crate::db::schema::{
    bill_run_errors, bill_runs, events, invoice_lines, invoices, ledger_entries,
};
use crate::domain::billing::{
    self as rules, explain, Charge, Line, LineKind, TaxPayer, TaxRate, TaxTable, Terms,
};
use crate::domain::money::{for_display, Currency};
use crate::error::{ApiError, ApiResult};

/// Subscriptions read per chunk by default (`BILLING_CHUNK`).
pub const CHUNK: i64 = 10_000;
/// How long a worker holds a run between chunks before another may take it over.
pub const LEASE_SECS: i64 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    DryRun,
    Draft,
    Issue,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "dry_run" => Some(Mode::DryRun),
            "draft" => Some(Mode::Draft),
            "issue" => Some(Mode::Issue),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Mode::DryRun => "dry_run",
            Mode::Draft => "draft",
            Mode::Issue => "issue",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = bill_runs)]
pub struct BillRunRow {
    pub id: i64,
    pub run_on: NaiveDate,
    pub mode: String,
    pub trigger: String,
    pub status: String,
    pub requested_by: String,
    pub subscriptions_total: i64,
    pub subscriptions_done: i64,
    pub customers_done: i64,
    pub invoices_created: i64,
    pub lines_created: i64,
    pub error_count: i64,
    pub totals: Value,
    pub sample: Option<Value>,
    pub cursor_customer: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub drafts_issued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// How many subscriptions a run on `run_on` has to bill.
pub fn count_due(conn: &mut PgConnection, run_on: NaiveDate) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    Ok(diesel::sql_query(
        "SELECT count(*) AS n FROM subscription_billing \
         WHERE (NOT paused AND billed_through <= $1) OR usage_due_on <= $1",
    )
    .bind::<Date, _>(run_on)
    .get_result::<Count>(conn)?
    .n)
}

/// Queues a run.
pub fn create(
    conn: &mut PgConnection,
    run_on: NaiveDate,
    mode: Mode,
    trigger: &str,
    requested_by: &str,
    now: DateTime<Utc>,
) -> QueryResult<BillRunRow> {
    let total = count_due(conn, run_on)?;
    diesel::insert_into(bill_runs::table)
        .values((
            bill_runs::run_on.eq(run_on),
            bill_runs::mode.eq(mode.as_str()),
            bill_runs::trigger.eq(trigger),
            bill_runs::status.eq("queued"),
            bill_runs::requested_by.eq(requested_by),
            bill_runs::subscriptions_total.eq(total),
            bill_runs::created_at.eq(now),
        ))
        .returning(BillRunRow::as_returning())
        .get_result(conn)
}

/// Queues the scheduled run of `today` unless one was queued already (any replica). The
/// existence check first keeps the polls from using up ids of the sequence.
pub fn schedule(
    conn: &mut PgConnection,
    today: NaiveDate,
    mode: Mode,
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "INSERT INTO bill_runs (run_on, mode, trigger, status, requested_by, subscriptions_total, created_at) \
         SELECT $1, $2, 'scheduled', 'queued', 'system', \
                (SELECT count(*) FROM subscription_billing WHERE (NOT paused AND billed_through <= $1) OR usage_due_on <= $1), $3 \
         WHERE NOT EXISTS (SELECT 1 FROM bill_runs WHERE trigger = 'scheduled' AND run_on = $1) \
         ON CONFLICT (run_on) WHERE trigger = 'scheduled' DO NOTHING",
    )
    .bind::<Date, _>(today)
    .bind::<Text, _>(mode.as_str())
    .bind::<Timestamptz, _>(now)
    .execute(conn)?;
    Ok(n > 0)
}

/// Takes a run that is queued, or whose worker's lease ran out, for this worker.
pub fn claim(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Option<BillRunRow>> {
    conn.transaction(|conn| {
        let id: Option<i64> = bill_runs::table
            .filter(bill_runs::status.eq_any(["queued", "running", "issuing"]))
            .filter(
                bill_runs::locked_until
                    .is_null()
                    .or(bill_runs::locked_until.lt(now)),
            )
            .order(bill_runs::id)
            .select(bill_runs::id)
            .for_update()
            .skip_locked()
            .first(conn)
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        let run: BillRunRow = bill_runs::table
            .find(id)
            .select(BillRunRow::as_select())
            .first(conn)?;
        let status = if run.status == "queued" {
            "running"
        } else {
            run.status.as_str()
        };
        diesel::update(bill_runs::table.find(id))
            .set((
                bill_runs::status.eq(status),
                bill_runs::locked_until.eq(now + Duration::seconds(LEASE_SECS)),
                bill_runs::started_at.eq(run.started_at.unwrap_or(now)),
            ))
            .returning(BillRunRow::as_returning())
            .get_result(conn)
            .map(Some)
    })
}

/// The advisory lock chunks take in turn.
const BILLING_LOCK: i64 = 0x6269_6c6c; // "bill"

/// Why a chunk must be read again.
const CONFLICT: &str = "billing_state_changed";

/// One chunk of a run, in one transaction; `false` when the run has nothing left.
pub fn step(
    conn: &mut PgConnection,
    run_id: i64,
    now: DateTime<Utc>,
    chunk: i64,
) -> ApiResult<bool> {
    let mut attempts = 0;
    loop {
        let result = conn.transaction(|conn| step_once(conn, run_id, now, chunk.max(1)));
        match result {
            Err(e) if attempts < 5 && is_conflict(&e) => {
                attempts += 1;
                continue;
            }
            other => return other,
        }
    }
}

fn is_conflict(e: &ApiError) -> bool {
    matches!(e.code(), CONFLICT | "already_exists" | "concurrent_update")
}

fn step_once(
    conn: &mut PgConnection,
    run_id: i64,
    now: DateTime<Utc>,
    chunk: i64,
) -> ApiResult<bool> {
    let run: BillRunRow = bill_runs::table
        .find(run_id)
        .select(BillRunRow::as_select())
        .for_update()
        .first(conn)?;
    // Chunks of runs at once (another run, another replica) take turns: each reads what the
    // one before it committed, so they never bill the same subscription and collide.
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(BILLING_LOCK)
        .execute(conn)?;
    let more = match run.status.as_str() {
        "running" => bill_chunk(conn, &run, now, chunk)?,
        "issuing" => issue_draft_chunk(conn, &run, now, chunk)?,
        _ => false,
    };
    if more {
        diesel::update(bill_runs::table.find(run_id))
            .set(bill_runs::locked_until.eq(now + Duration::seconds(LEASE_SECS)))
            .execute(conn)?;
    } else if run.status == "running" || run.status == "issuing" {
        let drafts_issued = (run.status == "issuing").then_some(now);
        diesel::update(bill_runs::table.find(run_id))
            .set((
                bill_runs::status.eq("completed"),
                bill_runs::locked_until.eq(None::<DateTime<Utc>>),
                bill_runs::finished_at.eq(now),
                bill_runs::drafts_issued_at.eq(drafts_issued.or(run.drafts_issued_at)),
            ))
            .execute(conn)?;
    }
    Ok(more)
}

/// Marks a run failed after an error that retrying the chunk did not cure.
pub fn fail(
    conn: &mut PgConnection,
    run_id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(bill_runs::table.find(run_id))
        .set((
            bill_runs::status.eq("failed"),
            bill_runs::last_error.eq(error),
            bill_runs::locked_until.eq(None::<DateTime<Utc>>),
            bill_runs::finished_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

// Reading ----------------------------------------------------------------------------------

#[derive(Debug, Clone, QueryableByName)]
struct DueSub {
    #[diesel(sql_type = BigInt)]
    subscription_id: i64,
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Nullable<Date>)]
    billed_through: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    usage_from: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    usage_due_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Integer>)]
    promo_cycles_left: Option<i32>,
    #[diesel(sql_type = Integer)]
    state_version: i32,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    paused: bool,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    billed_discount: Decimal,
    #[diesel(sql_type = BigInt)]
    usage_billed_octets: i64,
    #[diesel(sql_type = Integer)]
    anchor_day: i32,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    unit_monthly: Decimal,
    #[diesel(sql_type = Integer)]
    quantity: i32,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    discount_monthly: Decimal,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = Nullable<Date>)]
    ended_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    tax_category: String,
    #[diesel(sql_type = Nullable<Integer>)]
    cap_gb: Option<i32>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Numeric>)]
    overage_per_gb: Option<Decimal>,
}

fn load_due(
    conn: &mut PgConnection,
    after_customer: i64,
    only_customer: Option<i64>,
    run_on: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<DueSub>> {
    diesel::sql_query(
        "SELECT sb.subscription_id, sb.customer_id, sb.billed_through, sb.usage_from, \
                sb.usage_due_on, sb.promo_cycles_left, sb.version AS state_version, \
                sb.paused, sb.billed_discount, sb.usage_billed_octets, \
                s.billing_anchor_day AS anchor_day, s.unit_monthly, s.quantity, \
                s.discount_monthly, s.currency::text AS currency, \
                (s.ended_at AT TIME ZONE 'UTC')::date AS ended_on, \
                p.name || coalesce(' (' || s.username || ')', '') AS description, \
                p.tax_category, pv.data_cap_gb AS cap_gb, pv.overage_per_gb \
         FROM subscription_billing sb \
         JOIN subscriptions s ON s.id = sb.subscription_id \
         JOIN product_versions pv ON pv.id = s.product_version_id \
         JOIN products p ON p.id = s.product_id \
         WHERE sb.customer_id > $1 AND ($2::bigint IS NULL OR sb.customer_id = $2) \
           AND ((NOT sb.paused AND sb.billed_through <= $3) OR sb.usage_due_on <= $3) \
         ORDER BY sb.customer_id, sb.subscription_id \
         LIMIT $4",
    )
    .bind::<BigInt, _>(after_customer)
    .bind::<Nullable<BigInt>, _>(only_customer)
    .bind::<Date, _>(run_on)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
struct Payer {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = Text)]
    tax_zone: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    tax_exempt: bool,
    #[diesel(sql_type = Integer)]
    payment_terms_days: i32,
}

fn load_payers(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Payer>> {
    let rows: Vec<Payer> = diesel::sql_query(
        "SELECT c.id, c.currency::text AS currency, c.tax_zone, c.tax_exempt, cc.payment_terms_days \
         FROM customers c JOIN customer_classes cc ON cc.id = c.class_id \
         WHERE c.id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.id, p)).collect())
}

#[derive(Debug, Clone, QueryableByName)]
struct UsageTotal {
    #[diesel(sql_type = BigInt)]
    subscription_id: i64,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = BigInt)]
    octets: i64,
}

/// Usage totals of the subscriptions `ids`, from each one's day in `since` up to `before`.
fn load_usage(
    conn: &mut PgConnection,
    ids: &[i64],
    since: &[NaiveDate],
    before: NaiveDate,
) -> QueryResult<Vec<UsageTotal>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::sql_query(
        "SELECT t.subscription_id, t.period_start, t.octets \
         FROM unnest($1::bigint[], $3::date[]) AS u(id, since) \
         JOIN usage_period_totals t ON t.subscription_id = u.id \
          AND t.period_start >= u.since AND t.period_start < $2",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Date, _>(before)
    .bind::<Array<Date>, _>(since)
    .load(conn)
}

#[derive(Debug, Clone, QueryableByName, Serialize)]
pub(crate) struct Waiting {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub subscription_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = diesel::sql_types::Numeric)]
    pub amount: Decimal,
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = Date)]
    pub charge_on: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    pub period_start: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub period_end: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    pub tax_category: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Jsonb>)]
    pub rule: Option<Value>,
    #[diesel(sql_type = Nullable<Date>)]
    pub tax_on: Option<NaiveDate>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

fn load_waiting(
    conn: &mut PgConnection,
    after: i64,
    upto: Option<i64>,
    run_on: NaiveDate,
) -> QueryResult<Vec<Waiting>> {
    diesel::sql_query(
        "SELECT id, customer_id, subscription_id, kind, description, amount, \
                currency::text AS currency, charge_on, period_start, period_end, tax_category, rule, \
                tax_on, created_at \
         FROM pending_charges \
         WHERE invoiced_at IS NULL AND charge_on <= $3 AND customer_id > $1 \
           AND ($2::bigint IS NULL OR customer_id <= $2) \
         ORDER BY customer_id, id",
    )
    .bind::<BigInt, _>(after)
    .bind::<Nullable<BigInt>, _>(upto)
    .bind::<Date, _>(run_on)
    .load(conn)
}

/// The first customers (at most `limit`) after `after` with charges waiting by the date.
fn waiting_customers(
    conn: &mut PgConnection,
    after: i64,
    run_on: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        customer_id: i64,
    }
    Ok(diesel::sql_query(
        "SELECT DISTINCT customer_id FROM pending_charges \
         WHERE invoiced_at IS NULL AND charge_on <= $2 AND customer_id > $1 \
         ORDER BY customer_id LIMIT $3",
    )
    .bind::<BigInt, _>(after)
    .bind::<Date, _>(run_on)
    .bind::<BigInt, _>(limit)
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.customer_id)
    .collect())
}

pub(crate) fn load_tax_table(conn: &mut PgConnection) -> QueryResult<TaxTable> {
    use crate::db::schema::tax_rates;
    let rows: Vec<(
        String,
        String,
        String,
        Decimal,
        NaiveDate,
        Option<NaiveDate>,
    )> = tax_rates::table
        .select((
            tax_rates::zone,
            tax_rates::category,
            tax_rates::name,
            tax_rates::rate,
            tax_rates::valid_from,
            tax_rates::valid_to,
        ))
        .order(tax_rates::valid_from)
        .load(conn)?;
    Ok(TaxTable::new(
        rows.into_iter()
            .map(
                |(zone, category, name, rate, valid_from, valid_to)| TaxRate {
                    zone,
                    category,
                    name,
                    rate,
                    valid_from,
                    valid_to,
                },
            )
            .collect(),
    ))
}

// Rating -----------------------------------------------------------------------------------

/// An invoice made in memory, before it is written.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub customer_id: i64,
    pub currency: String,
    pub payment_terms_days: i32,
    pub lines: Vec<Line>,
    pub totals: rules::Totals,
    pub period: Option<(NaiveDate, NaiveDate)>,
}

/// A subscription's billing state before and after the run.
#[derive(Debug, Clone)]
struct StateUpdate {
    id: i64,
    version: i32,
    billed_through: Option<NaiveDate>,
    billed_discount: Decimal,
    usage_billed_octets: i64,
    usage_from: Option<NaiveDate>,
    usage_due_on: Option<NaiveDate>,
    promo_cycles_left: Option<i32>,
}

struct RunError {
    customer_id: i64,
    code: &'static str,
    message: String,
}

/// The charge of a waiting charge.
pub(crate) fn waiting_charge(w: &Waiting) -> Charge {
    Charge {
        kind: LineKind::of_pending(&w.kind),
        subscription_id: w.subscription_id,
        description: w.description.clone(),
        period: w.period_start.zip(w.period_end),
        quantity: Decimal::ONE,
        unit_price: w.amount,
        amount: w.amount,
        tax_category: w.tax_category.clone(),
        tax_date: w.tax_on.or(w.period_start).unwrap_or(w.charge_on),
        rule: w
            .rule
            .clone()
            .unwrap_or_else(|| json!({"rule": "one_time", "kind": w.kind})),
    }
}

/// One customer's invoice: subscriptions rated, waiting charges added (credits only as far
/// as the invoice stays at or above zero); `None` when there is nothing to bill.
/// The lines one subscription change made: its subscription and moment.
type ChangeKey = (Option<i64>, DateTime<Utc>);

pub(crate) fn build(
    payer: TaxPayer<'_>,
    currency: Currency,
    taxes: &TaxTable,
    rated: Vec<Charge>,
    waiting: &[Waiting],
) -> (Vec<Line>, Vec<i64>) {
    let mut lines = rules::to_lines(rated, payer, taxes, currency);
    let waiting_lines = rules::to_lines(
        waiting.iter().map(waiting_charge).collect(),
        payer,
        taxes,
        currency,
    );
    let base: Decimal = lines.iter().map(|l| l.amount + l.tax_amount).sum();
    // The lines one change made (a credit and the new price's charge) go together: they are
    // taken or left as one, by their sum.
    let key = |w: &Waiting| (w.kind == "proration").then_some((w.subscription_id, w.created_at));
    let mut groups: Vec<(Option<ChangeKey>, Decimal, Vec<usize>)> = Vec::new();
    for (i, (line, w)) in waiting_lines.iter().zip(waiting).enumerate() {
        let gross = line.amount + line.tax_amount;
        match key(w).and_then(|k| groups.iter_mut().find(|g| g.0 == Some(k))) {
            Some(g) => {
                g.1 += gross;
                g.2.push(i);
            }
            None => groups.push((key(w), gross, vec![i])),
        }
    }
    let sums: Vec<Decimal> = groups.iter().map(|g| g.1).collect();
    let taken = rules::take_credits(base, &sums);
    let mut take = vec![false; waiting_lines.len()];
    for (g, t) in groups.iter().zip(taken) {
        for i in &g.2 {
            take[*i] = t;
        }
    }
    let mut ids = Vec::new();
    for ((line, w), take) in waiting_lines.into_iter().zip(waiting).zip(take) {
        if take {
            lines.push(line);
            ids.push(w.id);
        }
    }
    (lines, ids)
}

struct Chunk {
    drafts: Vec<Draft>,
    updates: Vec<StateUpdate>,
    waiting_taken: Vec<(i64, usize)>,
    errors: Vec<RunError>,
    subscriptions: i64,
    customers: i64,
    /// The last customer this chunk covers.
    last_customer: i64,
}

fn rate_chunk(conn: &mut PgConnection, run: &BillRunRow, limit: i64) -> ApiResult<Option<Chunk>> {
    let run_on = run.run_on;
    let mut subs = load_due(conn, run.cursor_customer, None, run_on, limit + 1)?;
    // Whole customers only: the last one may go on past the limit.
    let upto: Option<i64> = if subs.len() as i64 > limit {
        let last = subs[subs.len() - 1].customer_id;
        subs.retain(|s| s.customer_id != last);
        if subs.is_empty() {
            subs = load_due(conn, run.cursor_customer, Some(last), run_on, i64::MAX)?;
            Some(last)
        } else {
            Some(subs[subs.len() - 1].customer_id)
        }
    } else {
        // No more subscriptions: the rest of the customers with waiting charges, a chunk's
        // worth at a time.
        let more = waiting_customers(conn, run.cursor_customer, run_on, limit)?;
        if more.len() as i64 >= limit {
            let last_sub = subs.last().map(|s| s.customer_id);
            let last_waiting = *more.last().expect("a full chunk");
            let upto = last_sub.map_or(last_waiting, |s| s.max(last_waiting));
            subs.retain(|s| s.customer_id <= upto);
            Some(upto)
        } else {
            None
        }
    };
    let waiting = load_waiting(conn, run.cursor_customer, upto, run_on)?;
    if subs.is_empty() && waiting.is_empty() {
        return Ok(None);
    }
    let mut customer_ids: Vec<i64> = subs.iter().map(|s| s.customer_id).collect();
    customer_ids.extend(waiting.iter().map(|w| w.customer_id));
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let last_customer = upto.unwrap_or(*customer_ids.last().expect("not empty"));
    let payers = load_payers(conn, &customer_ids)?;
    // Capped plans: the usage of the periods being billed, and of the one before (usage
    // recorded after it was billed).
    let (capped, since): (Vec<i64>, Vec<NaiveDate>) = subs
        .iter()
        .filter(|s| s.cap_gb.is_some() && s.overage_per_gb.is_some())
        .filter_map(|s| {
            let from = s.usage_from?.pred_opt()?;
            Some((s.subscription_id, from - Duration::days(31)))
        })
        .unzip();
    let mut usage: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for u in load_usage(conn, &capped, &since, run_on)? {
        usage
            .entry(u.subscription_id)
            .or_default()
            .push((u.period_start, u.octets));
    }
    let taxes = load_tax_table(conn)?;

    let mut chunk = Chunk {
        drafts: Vec::new(),
        updates: Vec::new(),
        waiting_taken: Vec::new(),
        errors: Vec::new(),
        subscriptions: subs.len() as i64,
        customers: customer_ids.len() as i64,
        last_customer,
    };
    let (mut si, mut wi) = (0, 0);
    for customer_id in customer_ids {
        let s_from = si;
        while si < subs.len() && subs[si].customer_id == customer_id {
            si += 1;
        }
        let w_from = wi;
        while wi < waiting.len() && waiting[wi].customer_id == customer_id {
            wi += 1;
        }
        let (my_subs, my_waiting) = (&subs[s_from..si], &waiting[w_from..wi]);
        let Some(payer) = payers.get(&customer_id) else {
            continue;
        };
        let Ok(currency) = Currency::parse(&payer.currency) else {
            chunk.errors.push(RunError {
                customer_id,
                code: "invalid_currency",
                message: format!(
                    "the customer's currency {} is not an ISO 4217 code",
                    payer.currency
                ),
            });
            continue;
        };
        if let Some(other) = my_subs
            .iter()
            .map(|s| s.currency.as_str())
            .chain(my_waiting.iter().map(|w| w.currency.as_str()))
            .find(|c| *c != payer.currency)
        {
            chunk.errors.push(RunError {
                customer_id,
                code: "currency_mismatch",
                message: format!(
                    "a subscription or charge is in {other}, the customer is billed in {}",
                    payer.currency
                ),
            });
            continue;
        }
        let mut charges = Vec::new();
        let mut updates = Vec::with_capacity(my_subs.len());
        for s in my_subs {
            let terms = Terms {
                subscription_id: s.subscription_id,
                description: s.description.clone(),
                anchor_day: s.anchor_day as u32,
                monthly: s.unit_monthly * Decimal::from(s.quantity),
                discount: s.discount_monthly,
                promo_cycles_left: s.promo_cycles_left,
                tax_category: s.tax_category.clone(),
                billed_through: s.billed_through.filter(|_| !s.paused),
                usage_from: s.usage_from,
                usage_due_on: s.usage_due_on,
                ended_on: s.ended_on,
                cap_gb: s.cap_gb,
                overage_per_gb: s.overage_per_gb,
                usage_billed_octets: s.usage_billed_octets,
            };
            let empty = Vec::new();
            let r = rules::rate(
                &terms,
                usage.get(&s.subscription_id).unwrap_or(&empty),
                run_on,
            );
            charges.extend(r.charges);
            updates.push(StateUpdate {
                id: s.subscription_id,
                version: s.state_version,
                // A paused subscription keeps what it had billed.
                billed_through: if s.paused {
                    s.billed_through
                } else {
                    r.billed_through
                },
                billed_discount: r.billed_discount.unwrap_or(s.billed_discount),
                usage_billed_octets: r.usage_billed_octets,
                usage_from: r.usage_from,
                usage_due_on: r.usage_due_on,
                promo_cycles_left: r.promo_cycles_left,
            });
        }
        let tax_payer = TaxPayer {
            zone: &payer.tax_zone,
            exempt: payer.tax_exempt,
        };
        let (lines, taken) = build(tax_payer, currency, &taxes, charges, my_waiting);
        let totals = rules::line_totals(&lines);
        // NUMERIC(14, 4) holds less than 10^10: a customer whose invoice would not fit is an
        // error of that customer, not of the run.
        let limit = Decimal::new(10_000_000_000, 0);
        if lines
            .iter()
            .any(|l| l.amount.abs() >= limit || l.tax_amount.abs() >= limit)
            || [totals.subtotal, totals.tax_total, totals.total]
                .iter()
                .any(|t| t.abs() >= limit)
        {
            chunk.errors.push(RunError {
                customer_id,
                code: "amount_too_large",
                message: "an amount of this invoice exceeds 9,999,999,999.9999".to_owned(),
            });
            continue;
        }
        chunk.updates.extend(updates);
        if lines.is_empty() {
            continue;
        }
        let period = lines.iter().filter_map(|l| l.period).fold(
            None,
            |acc: Option<(NaiveDate, NaiveDate)>, (a, b)| {
                Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))))
            },
        );
        let index = chunk.drafts.len();
        chunk
            .waiting_taken
            .extend(taken.into_iter().map(|id| (id, index)));
        chunk.drafts.push(Draft {
            customer_id,
            currency: payer.currency.clone(),
            payment_terms_days: payer.payment_terms_days,
            lines,
            totals,
            period,
        });
    }
    Ok(Some(chunk))
}

// Writing ----------------------------------------------------------------------------------

#[derive(Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
pub(crate) struct InvoiceCopy<'a> {
    pub id: i64,
    pub customer_id: i64,
    pub bill_run_id: Option<i64>,
    pub number: Option<String>,
    pub status: &'a str,
    pub currency: &'a str,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub amount_paid: Decimal,
    pub amount_credited: Decimal,
    pub created_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = invoice_lines, treat_none_as_default_value = false)]
pub(crate) struct LineCopy<'a> {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub position: i32,
    pub kind: &'a str,
    pub description: &'a str,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub tax_rate: Decimal,
    pub tax_name: &'a str,
    pub tax_amount: Decimal,
    pub rule: Option<&'a Value>,
}

#[derive(Insertable)]
#[diesel(table_name = ledger_entries, treat_none_as_default_value = false)]
pub(crate) struct LedgerCopy<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub amount: Decimal,
    pub currency: &'a str,
    pub due_on: Option<NaiveDate>,
    pub reference_type: Option<&'a str>,
    pub reference_id: Option<String>,
    pub description: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub(crate) struct EventCopy<'a> {
    pub event_type: &'a str,
    pub customer_id: i64,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<&'a str>,
}

/// Ids for `n` new invoices, from the sequence.
pub(crate) fn reserve_invoice_ids(conn: &mut PgConnection, n: usize) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(
        diesel::sql_query("SELECT nextval('invoices_id_seq') AS id FROM generate_series(1, $1)")
            .bind::<BigInt, _>(n as i64)
            .load::<Id>(conn)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
    )
}

/// Takes `n` consecutive numbers of a series for a year, under the series row's lock (held
/// to the end of the transaction, so concurrent issuers queue and a rollback returns them).
pub(crate) fn take_numbers(
    conn: &mut PgConnection,
    series: &str,
    year: i32,
    n: usize,
) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Last {
        #[diesel(sql_type = BigInt)]
        last_number: i64,
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let last = diesel::sql_query(
        "INSERT INTO number_series (series, year, last_number) VALUES ($1, $2, $3) \
         ON CONFLICT (series, year) DO UPDATE SET last_number = number_series.last_number + $3 \
         RETURNING last_number",
    )
    .bind::<Text, _>(series)
    .bind::<Integer, _>(year)
    .bind::<BigInt, _>(n as i64)
    .get_result::<Last>(conn)?
    .last_number;
    let first = last - n as i64 + 1;
    Ok((first..=last)
        .map(|k| format!("{series}-{year}-{k:06}"))
        .collect())
}

/// Writes invoices (with their lines; ledger entries and events when issued) by COPY.
/// Returns the invoice ids, in the drafts' order.
pub(crate) fn write_invoices(
    conn: &mut PgConnection,
    drafts: &[Draft],
    bill_run_id: Option<i64>,
    issue: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> QueryResult<Vec<i64>> {
    let ids = reserve_invoice_ids(conn, drafts.len())?;
    let today = now.date_naive();
    let numbers: Vec<Option<String>> = if issue {
        take_numbers(conn, "INV", today.year(), drafts.len())?
            .into_iter()
            .map(Some)
            .collect()
    } else {
        vec![None; drafts.len()]
    };
    let rows: Vec<InvoiceCopy> = drafts
        .iter()
        .zip(&ids)
        .zip(&numbers)
        .map(|((d, id), number)| InvoiceCopy {
            id: *id,
            customer_id: d.customer_id,
            bill_run_id,
            number: number.clone(),
            status: if issue { "issued" } else { "draft" },
            currency: &d.currency,
            period_start: d.period.map(|p| p.0),
            period_end: d.period.map(|p| p.1),
            issue_date: issue.then_some(today),
            due_date: issue.then(|| today + Duration::days(i64::from(d.payment_terms_days))),
            subtotal: d.totals.subtotal,
            tax_total: d.totals.tax_total,
            total: d.totals.total,
            amount_paid: Decimal::ZERO,
            amount_credited: Decimal::ZERO,
            created_at: now,
            issued_at: issue.then_some(now),
            version: 1,
        })
        .collect();
    diesel::copy_from(invoices::table)
        .from_insertable(&rows)
        .execute(conn)?;
    let lines: Vec<LineCopy> = drafts
        .iter()
        .zip(&ids)
        .flat_map(|(d, id)| {
            d.lines.iter().enumerate().map(move |(i, l)| LineCopy {
                invoice_id: *id,
                customer_id: d.customer_id,
                subscription_id: l.subscription_id,
                position: i as i32 + 1,
                kind: l.kind.as_str(),
                description: &l.description,
                period_start: l.period.map(|p| p.0),
                period_end: l.period.map(|p| p.1),
                quantity: l.quantity,
                unit_price: l.unit_price,
                amount: l.amount,
                tax_rate: l.tax_rate,
                tax_name: &l.tax_name,
                tax_amount: l.tax_amount,
                rule: (!l.rule.is_null()).then_some(&l.rule),
            })
        })
        .collect();
    diesel::copy_from(invoice_lines::table)
        .from_insertable(&lines)
        .execute(conn)?;
    if issue {
        let issued: Vec<IssuedInvoice> = rows
            .iter()
            .map(|r| IssuedInvoice {
                id: r.id,
                customer_id: r.customer_id,
                number: r.number.clone().unwrap_or_default(),
                currency: r.currency.to_string(),
                total: r.total,
                due_date: r.due_date,
            })
            .collect();
        record_issued(conn, &issued, actor, now)?;
    }
    Ok(ids)
}

/// What the ledger and the timeline need of an issued invoice.
pub(crate) struct IssuedInvoice {
    pub id: i64,
    pub customer_id: i64,
    pub number: String,
    pub currency: String,
    pub total: Decimal,
    pub due_date: Option<NaiveDate>,
}

/// The ledger entry and the timeline event of issued invoices, by COPY.
pub(crate) fn record_issued(
    conn: &mut PgConnection,
    issued: &[IssuedInvoice],
    actor: &str,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let ledger: Vec<LedgerCopy> = issued
        .iter()
        .map(|i| LedgerCopy {
            customer_id: i.customer_id,
            kind: "invoice",
            amount: i.total,
            currency: &i.currency,
            due_on: i.due_date,
            reference_type: Some("invoice"),
            reference_id: Some(i.id.to_string()),
            description: Some(format!("Invoice {}", i.number)),
            occurred_at: now,
            created_at: now,
        })
        .collect();
    diesel::copy_from(ledger_entries::table)
        .from_insertable(&ledger)
        .execute(conn)?;
    let events: Vec<EventCopy> = issued
        .iter()
        .map(|i| EventCopy {
            event_type: "invoice.issued",
            customer_id: i.customer_id,
            entity_type: "invoice",
            entity_id: i.id.to_string(),
            payload: json!({"number": i.number, "total": i.total.to_string(), "currency": i.currency,
                            "due_date": i.due_date}),
            occurred_at: now,
            actor: Some(actor),
        })
        .collect();
    diesel::copy_from(events::table)
        .from_insertable(&events)
        .execute(conn)?;
    Ok(())
}

fn advance_states(
    conn: &mut PgConnection,
    updates: &[StateUpdate],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if updates.is_empty() {
        return Ok(());
    }
    let n = diesel::sql_query(
        "UPDATE subscription_billing sb \
         SET billed_through = u.bt, usage_from = u.uf, usage_due_on = u.ud, \
             promo_cycles_left = u.pc, billed_discount = u.bd, usage_billed_octets = u.ub, \
             version = sb.version + 1, updated_at = $7 \
         FROM unnest($1::bigint[], $2::int[], $3::date[], $4::date[], $5::date[], $6::int[], \
                     $8::numeric[], $9::bigint[]) \
              AS u(id, v, bt, uf, ud, pc, bd, ub) \
         WHERE sb.subscription_id = u.id AND sb.version = u.v",
    )
    .bind::<Array<BigInt>, _>(updates.iter().map(|u| u.id).collect::<Vec<_>>())
    .bind::<Array<Integer>, _>(updates.iter().map(|u| u.version).collect::<Vec<_>>())
    .bind::<Array<Nullable<Date>>, _>(updates.iter().map(|u| u.billed_through).collect::<Vec<_>>())
    .bind::<Array<Nullable<Date>>, _>(updates.iter().map(|u| u.usage_from).collect::<Vec<_>>())
    .bind::<Array<Nullable<Date>>, _>(updates.iter().map(|u| u.usage_due_on).collect::<Vec<_>>())
    .bind::<Array<Nullable<Integer>>, _>(
        updates
            .iter()
            .map(|u| u.promo_cycles_left)
            .collect::<Vec<_>>(),
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Array<diesel::sql_types::Numeric>, _>(
        updates
            .iter()
            .map(|u| u.billed_discount)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<BigInt>, _>(
        updates
            .iter()
            .map(|u| u.usage_billed_octets)
            .collect::<Vec<_>>(),
    )
    .execute(conn)?;
    if n != updates.len() {
        return Err(ApiError::conflict(
            CONFLICT,
            "a subscription's billing changed while the run read it",
        ));
    }
    Ok(())
}

pub(crate) fn mark_waiting(
    conn: &mut PgConnection,
    taken: &[(i64, i64)],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if taken.is_empty() {
        return Ok(());
    }
    let n = diesel::sql_query(
        "UPDATE pending_charges pc SET invoiced_at = $3, invoice_id = u.invoice_id \
         FROM unnest($1::bigint[], $2::bigint[]) AS u(id, invoice_id) \
         WHERE pc.id = u.id AND pc.invoiced_at IS NULL",
    )
    .bind::<Array<BigInt>, _>(taken.iter().map(|t| t.0).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(taken.iter().map(|t| t.1).collect::<Vec<_>>())
    .bind::<Timestamptz, _>(now)
    .execute(conn)?;
    if n != taken.len() {
        return Err(ApiError::conflict(
            CONFLICT,
            "a waiting charge was invoiced meanwhile",
        ));
    }
    Ok(())
}

/// Adds a chunk's totals to the run's, per currency.
fn add_totals(totals: &Value, drafts: &[Draft]) -> Value {
    let mut sums: HashMap<String, [Decimal; 3]> = HashMap::new();
    if let Some(obj) = totals.as_object() {
        for (cur, t) in obj {
            let get = |k: &str| {
                t.get(k)
                    .and_then(|v| v.as_str())
                    .and_then(|s| s.parse::<Decimal>().ok())
                    .unwrap_or_default()
            };
            sums.insert(cur.clone(), [get("subtotal"), get("tax"), get("total")]);
        }
    }
    for d in drafts {
        let e = sums.entry(d.currency.clone()).or_default();
        e[0] += d.totals.subtotal;
        e[1] += d.totals.tax_total;
        e[2] += d.totals.total;
    }
    let mut out = serde_json::Map::new();
    for (cur, [s, t, g]) in sums {
        out.insert(
            cur,
            json!({"subtotal": s.to_string(), "tax": t.to_string(), "total": g.to_string()}),
        );
    }
    Value::Object(out)
}

/// How a dry run shows an invoice it would make.
/// How a dry run shows an invoice it would make (amounts as invoices show them).
pub(crate) fn preview(d: &Draft, account_number: &str, name: &str) -> Value {
    let m = |a: Decimal| for_display(a, &d.currency).to_string();
    json!({
        "customer_id": d.customer_id,
        "account_number": account_number,
        "customer_name": name,
        "currency": d.currency,
        "period_start": d.period.map(|p| p.0),
        "period_end": d.period.map(|p| p.1),
        "subtotal": m(d.totals.subtotal),
        "tax_total": m(d.totals.tax_total),
        "total": m(d.totals.total),
        "lines": d.lines.iter().map(|l| json!({
            "kind": l.kind.as_str(),
            "description": l.description,
            "period_start": l.period.map(|p| p.0),
            "period_end": l.period.map(|p| p.1),
            "amount": m(l.amount),
            "tax_rate": l.tax_rate.normalize().to_string(),
            "tax_name": l.tax_name,
            "tax_amount": m(l.tax_amount),
            "explanation": explain(&l.rule, &d.currency),
        })).collect::<Vec<_>>(),
    })
}

/// How many invoices a dry run keeps as its sample.
const SAMPLE: usize = 20;

fn bill_chunk(
    conn: &mut PgConnection,
    run: &BillRunRow,
    now: DateTime<Utc>,
    limit: i64,
) -> ApiResult<bool> {
    let Some(chunk) = rate_chunk(conn, run, limit)? else {
        return Ok(false);
    };
    let mode = Mode::parse(&run.mode).unwrap_or(Mode::DryRun);
    let lines: usize = chunk.drafts.iter().map(|d| d.lines.len()).sum();
    let mut sample = run.sample.clone();
    if mode == Mode::DryRun {
        let mut list = sample
            .and_then(|s| s.as_array().cloned())
            .unwrap_or_default();
        let wanted: Vec<&Draft> = chunk
            .drafts
            .iter()
            .take(SAMPLE.saturating_sub(list.len()))
            .collect();
        if !wanted.is_empty() {
            use crate::db::schema::customers;
            let names: HashMap<i64, (String, String)> = customers::table
                .filter(customers::id.eq_any(wanted.iter().map(|d| d.customer_id)))
                .select((customers::id, customers::account_number, customers::name))
                .load::<(i64, String, String)>(conn)?
                .into_iter()
                .map(|(id, a, n)| (id, (a, n)))
                .collect();
            for d in wanted {
                let (a, n) = names.get(&d.customer_id).cloned().unwrap_or_default();
                list.push(preview(d, &a, &n));
            }
        }
        sample = Some(Value::Array(list));
    } else {
        let ids = write_invoices(
            conn,
            &chunk.drafts,
            Some(run.id),
            mode == Mode::Issue,
            &format!("bill_run:{}", run.id),
            now,
        )?;
        // A customer in error has no updates: their subscriptions stay where they were.
        advance_states(conn, &chunk.updates, now)?;
        let taken: Vec<(i64, i64)> = chunk
            .waiting_taken
            .iter()
            .map(|(w, i)| (*w, ids[*i]))
            .collect();
        mark_waiting(conn, &taken, now)?;
    }
    if !chunk.errors.is_empty() {
        let rows: Vec<_> = chunk
            .errors
            .iter()
            .map(|e| {
                (
                    bill_run_errors::bill_run_id.eq(run.id),
                    bill_run_errors::customer_id.eq(e.customer_id),
                    bill_run_errors::code.eq(e.code),
                    bill_run_errors::message.eq(&e.message),
                    bill_run_errors::at.eq(now),
                )
            })
            .collect();
        diesel::insert_into(bill_run_errors::table)
            .values(&rows)
            .execute(conn)?;
    }
    diesel::update(bill_runs::table.find(run.id))
        .set((
            bill_runs::subscriptions_done.eq(bill_runs::subscriptions_done + chunk.subscriptions),
            bill_runs::customers_done.eq(bill_runs::customers_done + chunk.customers),
            bill_runs::invoices_created.eq(bill_runs::invoices_created + chunk.drafts.len() as i64),
            bill_runs::lines_created.eq(bill_runs::lines_created + lines as i64),
            bill_runs::error_count.eq(bill_runs::error_count + chunk.errors.len() as i64),
            bill_runs::totals.eq(add_totals(&run.totals, &chunk.drafts)),
            bill_runs::sample.eq(sample),
            bill_runs::cursor_customer.eq(chunk.last_customer),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Issues draft invoices: numbers from the series in id order, dates, ledger and events.
pub(crate) fn issue_drafts(
    conn: &mut PgConnection,
    ids: &[i64],
    actor: &str,
    now: DateTime<Utc>,
) -> QueryResult<Vec<IssuedInvoice>> {
    #[derive(QueryableByName)]
    struct DraftRow {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = BigInt)]
        customer_id: i64,
        #[diesel(sql_type = Text)]
        currency: String,
        #[diesel(sql_type = diesel::sql_types::Numeric)]
        total: Decimal,
        #[diesel(sql_type = Integer)]
        terms: i32,
    }
    let rows: Vec<DraftRow> = diesel::sql_query(
        "SELECT i.id, i.customer_id, i.currency::text AS currency, i.total, cc.payment_terms_days AS terms \
         FROM invoices i JOIN customers c ON c.id = i.customer_id \
         JOIN customer_classes cc ON cc.id = c.class_id \
         WHERE i.id = ANY($1) AND i.status = 'draft' ORDER BY i.id FOR UPDATE OF i",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load(conn)?;
    let today = now.date_naive();
    let numbers = take_numbers(conn, "INV", today.year(), rows.len())?;
    let issued: Vec<IssuedInvoice> = rows
        .iter()
        .zip(numbers)
        .map(|(r, number)| IssuedInvoice {
            id: r.id,
            customer_id: r.customer_id,
            number,
            currency: r.currency.clone(),
            total: r.total,
            due_date: Some(today + Duration::days(i64::from(r.terms))),
        })
        .collect();
    if issued.is_empty() {
        return Ok(issued);
    }
    diesel::sql_query(
        "UPDATE invoices i SET number = u.number, status = 'issued', issue_date = $3, \
                due_date = u.due, issued_at = $4, version = i.version + 1 \
         FROM unnest($1::bigint[], $2::text[], $5::date[]) AS u(id, number, due) WHERE i.id = u.id",
    )
    .bind::<Array<BigInt>, _>(issued.iter().map(|i| i.id).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(issued.iter().map(|i| i.number.clone()).collect::<Vec<_>>())
    .bind::<Date, _>(today)
    .bind::<Timestamptz, _>(now)
    .bind::<Array<Nullable<Date>>, _>(issued.iter().map(|i| i.due_date).collect::<Vec<_>>())
    .execute(conn)?;
    record_issued(conn, &issued, actor, now)?;
    Ok(issued)
}

fn issue_draft_chunk(
    conn: &mut PgConnection,
    run: &BillRunRow,
    now: DateTime<Utc>,
    limit: i64,
) -> ApiResult<bool> {
    let ids: Vec<i64> = invoices::table
        .filter(invoices::bill_run_id.eq(run.id))
        .filter(invoices::status.eq("draft"))
        .order(invoices::id)
        .select(invoices::id)
        .limit(limit)
        .load(conn)?;
    if ids.is_empty() {
        return Ok(false);
    }
    issue_drafts(conn, &ids, &format!("bill_run:{}", run.id), now)?;
    Ok(true)
}
