//! The bill-run benchmark of `make bench` (issue 5; targets in docs/PERFORMANCE.md).
//!
//! `billing_bench <DATABASE_URL> [subscriptions] [options]`
//!
//! 1. **Seed** (timed apart, not part of the run): `subscriptions` active plan subscriptions
//!    (default 1,000,000) of new customers, most with one, every fourth with two, all due on
//!    the run date: a recurring line for the period that starts on or before it, a
//!    promotion's discount line (cycles left) and a usage line for the period that just
//!    ended (its total is over the plan's 500 GB cap); one customer in a hundred also has a
//!    one-time charge waiting and one in a hundred is tax exempt. Everything else a
//!    subscription needs exists (product, version, promotion, tax rate, order, order line).
//!    Written set-based, one statement per table.
//! 2. **Run**: the full issue run. With `--server URL EMAIL PASSWORD PID` it goes through
//!    the API server process: `POST /api/v1/bill-runs {"run_on", "mode": "issue"}`, then
//!    `GET /api/v1/bill-runs/{id}` until it completes; the server's peak memory is its
//!    VmHWM, reset just before (`/proc/PID/clear_refs`). With `--in-process` this process
//!    calls `services::billing::run::{create, claim, step}` itself, as the server's worker
//!    does (`--workers N` loops of `step` side by side, each on its own connection, default
//!    1; `--chunk N`, default `run::CHUNK`), which is useful under a profiler; its own VmHWM
//!    is the peak. When the
//!    server does not have the bill-run routes (404), the run falls back to in-process and
//!    says so.
//! 3. **COPY floor**: the invoices and lines the run wrote are read back with binary
//!    `COPY … TO STDOUT` into memory, the tables are emptied, and the same rows go back in
//!    with binary `COPY … FROM STDIN` (one transaction, same tables, same indexes): what
//!    PostgreSQL itself needs to write those rows. Printed with the run time's ratio to it.
//!
//! Options: `--run-on YYYY-MM-DD` (default: today, UTC), `--seed-only`, `--no-seed` (the
//! database was seeded before, e.g. a copy of a seeded one), `--no-floor`.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use chrono::{NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::CopyFormat;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Text};
use serde_json::{json, Value};

use api::db::schema::{invoice_lines, invoices};
use api::domain::subscription::{next_period_start, period_start};
use api::services::billing::run as bill_run;

const USAGE: &str = "usage: billing_bench <DATABASE_URL> [subscriptions] [--run-on YYYY-MM-DD] \
     [--server URL EMAIL PASSWORD PID | --in-process [--workers N] [--chunk N]] [--seed-only] [--no-seed] [--no-floor]";

/// The bench plan: its cap and prices (the seeded usage is over the cap).
const CAP_GB: i64 = 500;

enum Runner {
    Server {
        url: String,
        email: String,
        password: String,
        pid: u32,
    },
    InProcess,
}

struct Options {
    url: String,
    subscriptions: i64,
    run_on: NaiveDate,
    runner: Runner,
    workers: usize,
    chunk: i64,
    seed: bool,
    run: bool,
    floor: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut args = std::env::args().skip(1).peekable();
    let url = args.next().context(USAGE)?;
    let mut o = Options {
        url,
        subscriptions: 1_000_000,
        run_on: Utc::now().date_naive(),
        runner: Runner::InProcess,
        workers: 1,
        chunk: bill_run::CHUNK,
        seed: true,
        run: true,
        floor: true,
    };
    if let Some(n) = args.next_if(|a| !a.starts_with("--")) {
        o.subscriptions = n.parse().context(USAGE)?;
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--run-on" => o.run_on = args.next().context(USAGE)?.parse().context(USAGE)?,
            "--server" => {
                o.runner = Runner::Server {
                    url: args.next().context(USAGE)?,
                    email: args.next().context(USAGE)?,
                    password: args.next().context(USAGE)?,
                    pid: args.next().context(USAGE)?.parse().context(USAGE)?,
                }
            }
            "--in-process" => o.runner = Runner::InProcess,
            "--workers" => o.workers = args.next().context(USAGE)?.parse().context(USAGE)?,
            "--chunk" => o.chunk = args.next().context(USAGE)?.parse().context(USAGE)?,
            "--seed-only" => {
                o.run = false;
                o.floor = false;
            }
            "--no-seed" => o.seed = false,
            "--no-floor" => o.floor = false,
            _ => bail!("{USAGE}"),
        }
    }
    ensure!(o.subscriptions > 0, USAGE);
    Ok(o)
}

fn main() -> anyhow::Result<()> {
    let o = options()?;
    let mut conn = PgConnection::establish(&o.url)?;
    if o.seed {
        let started = Instant::now();
        seed(&mut conn, o.subscriptions, o.run_on)?;
        println!(
            "seeded {} subscriptions due on {} in {:.1} s (not part of the run)",
            o.subscriptions,
            o.run_on,
            started.elapsed().as_secs_f64()
        );
    }
    if !o.run {
        return Ok(());
    }
    // The run starts from clean tables and no dirty buffers, as the floor will.
    conn.batch_execute("CHECKPOINT")?;
    let measured = match &o.runner {
        Runner::Server {
            url,
            email,
            password,
            pid,
        } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(run_through_server(url, email, password, *pid, o.run_on))?,
        Runner::InProcess => None,
    };
    let measured = match measured {
        Some(m) => m,
        None => run_in_process(&mut conn, &o.url, o.run_on, o.workers, o.chunk)?,
    };
    let checked = check(&mut conn, measured.run_id, o.run_on)?;
    println!(
        "bill run (issue, {}): {} subscriptions, {} customers, {} invoices, {} lines in {:.2} s \
         = {:.0} subscriptions/s (target <= 30 s; stretch 20 s)",
        measured.where_,
        measured.subscriptions,
        measured.customers,
        measured.invoices,
        measured.lines,
        measured.secs,
        measured.subscriptions as f64 / measured.secs
    );
    println!("  {checked}");
    println!(
        "peak memory (VmHWM) of the {} during the run: {} MB (target <= 200 MB)",
        measured.memory_of,
        measured.peak_kb / 1024
    );
    if o.floor {
        let floor = copy_floor(&mut conn, &o.url)?;
        println!(
            "COPY floor: {} invoices + {} lines by binary COPY into the same tables in {:.2} s \
             (invoices {:.2} s, lines {:.2} s)",
            floor.invoices, floor.lines, floor.secs, floor.invoices_secs, floor.lines_secs
        );
        println!(
            "ratio run / COPY floor: {:.2} (target <= 1.5)",
            measured.secs / floor.secs
        );
    }
    Ok(())
}

// Seeding ----------------------------------------------------------------------------------

fn seed(conn: &mut PgConnection, subscriptions: i64, run_on: NaiveDate) -> anyhow::Result<()> {
    // Customer k of the new ones has subscriptions j with j * 4 / 5 = k: every fourth has two.
    let customers = (subscriptions - 1) * 4 / 5 + 1;
    let serial_start: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "nextval('customer_account_serial')",
    ))
    .get_result(conn)?;
    let numbers: Vec<String> = (0..customers)
        .map(|i| api::domain::account_number::for_serial((serial_start + i) as u64))
        .collect();
    conn.batch_execute(&format!(
        "SELECT setval('customer_account_serial', {})",
        serial_start + customers
    ))?;
    // Where each anchor day's billing stands on the run date, by the domain's period rule:
    // the current period is billed from its start, the previous one's usage is due.
    let anchors: Vec<i32> = (1..=28).collect();
    let current: Vec<NaiveDate> = anchors
        .iter()
        .map(|a| period_start(*a as u32, run_on))
        .collect();
    let previous: Vec<NaiveDate> = current
        .iter()
        .zip(&anchors)
        .map(|(c, a)| period_start(*a as u32, c.pred_opt().expect("a date")))
        .collect();
    for ((a, c), p) in anchors.iter().zip(&current).zip(&previous) {
        assert_eq!(next_period_start(*a as u32, *p), *c);
    }

    // The data is consistent by construction: foreign-key triggers (and the search index's,
    // which no bench case after this one reads) are skipped while seeding.
    conn.batch_execute(
        "SET session_replication_role = replica; BEGIN; \
         TRUNCATE invoices, invoice_lines, credit_notes, credit_note_lines; \
         CREATE TEMP TABLE bench_anchor (anchor INTEGER PRIMARY KEY, current DATE, previous DATE) \
           ON COMMIT DROP; \
         CREATE TEMP TABLE bench_customer (n BIGINT PRIMARY KEY, customer_id BIGINT, anchor INTEGER) \
           ON COMMIT DROP;",
    )?;
    diesel::sql_query(
        "INSERT INTO bench_anchor SELECT * FROM unnest($1::int[], $2::date[], $3::date[])",
    )
    .bind::<Array<Integer>, _>(&anchors)
    .bind::<Array<Date>, _>(&current)
    .bind::<Array<Date>, _>(&previous)
    .execute(conn)?;
    conn.batch_execute(
        "INSERT INTO tax_rates (zone, category, name, rate, valid_from, created_at) \
           VALUES ('BENCH', 'telecom', 'Bench sales tax', 8.25, '2000-01-01', now()); \
         INSERT INTO products (code, kind, service, name, tax_category, created_at, updated_at) \
           VALUES ('BENCH-FIBRE', 'plan', 'internet', 'Fibre 300', 'telecom', now(), now()); \
         INSERT INTO product_versions (product_id, version, currency, monthly_price, one_time_price, \
             download_mbps, upload_mbps, data_cap_gb, overage_per_gb, valid_from, created_at) \
           SELECT id, 1, 'USD', 39.99, 0, 300, 50, 500, 0.50, now() - interval '2 years', now() \
             FROM products WHERE code = 'BENCH-FIBRE'; \
         INSERT INTO promotions (code, name, kind, value, currency, cycles, valid_from, created_at, \
             updated_at) \
           VALUES ('BENCH-WELCOME', 'Welcome: 10 off for 6 months', 'amount', 10, 'USD', 6, \
                   now() - interval '2 years', now(), now());",
    )?;
    let first_customer: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "coalesce(max(id), 0) FROM customers",
    ))
    .get_result(conn)?;
    diesel::sql_query(
        "INSERT INTO customers (account_number, kind, name, company_name, email, phone, status, \
           class_id, currency, billing_cycle, billing_day, tax_zone, tax_exempt, tax_exemption_ref, \
           created_at, updated_at) \
         SELECT acct, CASE WHEN i % 10 = 0 THEN 'business' ELSE 'residential' END, \
           'Bench Customer ' || i, CASE WHEN i % 10 = 0 THEN 'Bench Holdings ' || i END, \
           'bench' || i || '@example.net', '+1777' || lpad(i::text, 7, '0'), 'active', \
           (SELECT id FROM customer_classes \
             WHERE code = CASE WHEN i % 10 = 0 THEN 'business' ELSE 'residential' END), \
           'USD', 'calendar', 1 + i % 28, 'BENCH', i % 100 = 42, \
           CASE WHEN i % 100 = 42 THEN 'EXEMPT-' || i END, now(), now() \
         FROM unnest($1::text[]) WITH ORDINALITY AS t(acct, i)",
    )
    .bind::<Array<Text>, _>(&numbers)
    .execute(conn)?;
    conn.batch_execute(&format!(
        "INSERT INTO bench_customer \
           SELECT row_number() OVER (ORDER BY id) - 1, id, billing_day FROM customers \
            WHERE id > {first_customer}; \
         INSERT INTO orders (number, customer_id, status, channel, currency, monthly_subtotal, \
             monthly_tax, created_by, created_at, updated_at) \
           SELECT 'BB-' || customer_id, customer_id, 'completed', 'api', 'USD', 29.99, 2.47, 'bench', \
                  now(), now() FROM bench_customer ORDER BY n; \
         CREATE TEMP TABLE bench_sub ON COMMIT DROP AS \
           SELECT j, c.customer_id, c.anchor, o.id AS order_id, \
                  CASE WHEN j % 5 = 1 THEN 2 ELSE 1 END AS position \
             FROM generate_series(0::bigint, {subscriptions} - 1) j \
             JOIN bench_customer c ON c.n = j * 4 / 5 \
             JOIN orders o ON o.number = 'BB-' || c.customer_id; \
         INSERT INTO order_lines (order_id, customer_id, position, action, kind, product_version_id, \
             promotion_id, promotion_kind, promotion_value, promotion_cycles, description, quantity, \
             unit_monthly, discount_monthly, tax_rate, monthly_amount, monthly_tax, created_at) \
           SELECT s.order_id, s.customer_id, s.position, 'add', 'plan', v.id, pr.id, 'amount', 10, 6, \
                  'Fibre 300', 1, 39.99, 10, 8.25, 29.99, 2.47, now() \
             FROM bench_sub s \
             CROSS JOIN (SELECT v.id FROM product_versions v JOIN products p ON p.id = v.product_id \
                          WHERE p.code = 'BENCH-FIBRE') v \
             CROSS JOIN (SELECT id FROM promotions WHERE code = 'BENCH-WELCOME') pr \
            ORDER BY s.j; \
         INSERT INTO subscriptions (customer_id, order_id, order_line_id, kind, product_id, \
             product_version_id, status, quantity, currency, unit_monthly, discount_monthly, \
             started_at, billing_anchor_day, username, password, radius_group, created_at, updated_at) \
           SELECT s.customer_id, s.order_id, l.id, 'plan', v.product_id, v.id, 'active', 1, 'USD', \
                  39.99, 10, (a.previous - interval '3 months')::timestamptz, s.anchor, 'bb' || s.j, \
                  'bench-secret', 'fibre_300', now(), now() \
             FROM bench_sub s \
             JOIN order_lines l ON l.order_id = s.order_id AND l.position = s.position \
             JOIN product_versions v ON v.id = l.product_version_id \
             JOIN bench_anchor a ON a.anchor = s.anchor \
            ORDER BY s.j; \
         CREATE TEMP TABLE bench_state ON COMMIT DROP AS \
           SELECT sub.id, sub.customer_id, a.current, a.previous, \
                  row_number() OVER (ORDER BY sub.id) AS j \
             FROM subscriptions sub JOIN bench_sub s ON sub.username = 'bb' || s.j \
             JOIN bench_anchor a ON a.anchor = s.anchor; \
         INSERT INTO subscription_billing (subscription_id, customer_id, billed_through, usage_from, \
             usage_due_on, promo_cycles_left, updated_at) \
           SELECT id, customer_id, current, previous, current, 1 + j % 5, now() \
             FROM bench_state ORDER BY id; \
         INSERT INTO usage_period_totals (subscription_id, period_start, octets) \
           SELECT id, previous, ({CAP_GB} + 1 + j % 40) * 1000000000 + (j * 7919) % 1000000000 \
             FROM bench_state \
           UNION ALL \
           SELECT id, current, (j * 104729) % 200000000000 FROM bench_state ORDER BY 1, 2; \
         INSERT INTO pending_charges (customer_id, kind, description, amount, currency, charge_on, \
             tax_category, rule, created_at) \
           SELECT customer_id, 'installation', 'Installation', 49, 'USD', \
                  '{run_on}'::date - 3, 'telecom', \
                  jsonb_build_object('rule', 'one_time', 'kind', 'installation'), now() \
             FROM bench_customer WHERE n % 100 = 7; \
         COMMIT; SET session_replication_role = DEFAULT;"
    ))?;
    // Settled tables, as a database in service would have them: visibility map and hint
    // bits set, statistics fresh. One statement per call (VACUUM refuses a transaction).
    for table in [
        "customers",
        "orders",
        "order_lines",
        "subscriptions",
        "subscription_billing",
        "usage_period_totals",
        "pending_charges",
        "invoices",
        "invoice_lines",
        "ledger_entries",
        "events",
    ] {
        conn.batch_execute(&format!("VACUUM ANALYZE {table}"))?;
    }
    Ok(())
}

// The run ----------------------------------------------------------------------------------

struct Measured {
    run_id: i64,
    where_: &'static str,
    memory_of: &'static str,
    secs: f64,
    subscriptions: i64,
    customers: i64,
    invoices: i64,
    lines: i64,
    peak_kb: u64,
}

fn reset_peak(pid: &str) -> anyhow::Result<()> {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")
        .with_context(|| format!("resetting the peak memory of process {pid}"))
}

fn peak_kb(pid: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("no VmHWM")?;
    Ok(line.split_whitespace().nth(1).context("VmHWM")?.parse()?)
}

/// The run as the server's worker does it: create, claim, then `workers` loops of `step`
/// (one chunk each), each on its own connection, so the run's parts are billed side by side.
fn run_in_process(
    conn: &mut PgConnection,
    url: &str,
    run_on: NaiveDate,
    workers: usize,
    chunk: i64,
) -> anyhow::Result<Measured> {
    reset_peak("self")?;
    let started = Instant::now();
    let run = bill_run::create(
        conn,
        run_on,
        bill_run::Mode::Issue,
        "manual",
        "billing_bench",
        Utc::now(),
    )?;
    let claimed = bill_run::claim(conn, Utc::now())?.context("the run was not claimed")?;
    ensure!(claimed.id == run.id, "claimed another run ({})", claimed.id);
    let loops: Vec<anyhow::Result<(usize, Duration)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<(usize, Duration)> {
                    let mut conn = PgConnection::establish(url)?;
                    let (mut chunks, mut slowest) = (0, Duration::ZERO);
                    loop {
                        let t = Instant::now();
                        let more = bill_run::step(&mut conn, run.id, Utc::now(), chunk)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                        if !more {
                            return Ok((chunks, slowest));
                        }
                        chunks += 1;
                        slowest = slowest.max(t.elapsed());
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let peak_kb = peak_kb("self")?;
    let mut chunks = Vec::new();
    let mut slowest = Duration::ZERO;
    for l in loops {
        let (n, s) = l?;
        chunks.push(n.to_string());
        slowest = slowest.max(s);
    }
    let row: bill_run::BillRunRow = api::db::schema::bill_runs::table
        .find(run.id)
        .select(bill_run::BillRunRow::as_select())
        .first(conn)?;
    ensure!(row.status == "completed", "run ended {}", row.status);
    println!(
        "  in-process: {workers} worker(s), chunks of up to {chunk} subscriptions: {} chunks, slowest {:.0} ms",
        chunks.join(" + "),
        slowest.as_secs_f64() * 1000.0
    );
    Ok(Measured {
        run_id: run.id,
        where_: "in this process, as the worker would",
        memory_of: "bench process",
        secs,
        subscriptions: row.subscriptions_done,
        customers: row.customers_done,
        invoices: row.invoices_created,
        lines: row.lines_created,
        peak_kb,
    })
}

/// The run through the server. `None` when the server has no bill-run routes yet.
async fn run_through_server(
    url: &str,
    email: &str,
    password: &str,
    pid: u32,
    run_on: NaiveDate,
) -> anyhow::Result<Option<Measured>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let login: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned();
    let pid = pid.to_string();
    reset_peak(&pid)?;
    let started = Instant::now();
    let res = client
        .post(format!("{url}/api/v1/bill-runs"))
        .bearer_auth(&token)
        .json(&json!({"run_on": run_on, "mode": "issue"}))
        .send()
        .await?;
    if res.status() == reqwest::StatusCode::NOT_FOUND {
        println!(
            "  the server has no POST /api/v1/bill-runs yet: running in this process instead \
             (the same code the worker runs)"
        );
        return Ok(None);
    }
    let status = res.status();
    let body: Value = res.json().await?;
    ensure!(
        status.is_success(),
        "POST /api/v1/bill-runs: {status} {body}"
    );
    let id = body["id"].as_i64().context("no run id")?;
    let mut last_report = Instant::now();
    let run = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let run: Value = client
            .get(format!("{url}/api/v1/bill-runs/{id}"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        match run["status"].as_str() {
            Some("completed") => break run,
            Some("failed") => bail!("the run failed: {}", run["last_error"]),
            Some("queued") if started.elapsed() > Duration::from_secs(30) => {
                bail!("the run is still queued after 30 s: is the server's bill-run worker on?")
            }
            _ => {}
        }
        if last_report.elapsed() > Duration::from_secs(5) {
            last_report = Instant::now();
            eprintln!(
                "  … {} of {} subscriptions",
                run["subscriptions_done"], run["subscriptions_total"]
            );
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let peak_kb = peak_kb(&pid)?;
    let n = |k: &str| run[k].as_i64().unwrap_or(0);
    Ok(Some(Measured {
        run_id: id,
        where_: "through the API server",
        memory_of: "API server process",
        secs,
        subscriptions: n("subscriptions_done"),
        customers: n("customers_done"),
        invoices: n("invoices_created"),
        lines: n("lines_created"),
        peak_kb,
    }))
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> anyhow::Result<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// What the run left in the database, checked against what it reported.
fn check(conn: &mut PgConnection, run_id: i64, run_on: NaiveDate) -> anyhow::Result<String> {
    let invoices = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM invoices WHERE bill_run_id = {run_id} AND status = 'issued'"
        ),
    )?;
    let lines = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id \
             WHERE i.bill_run_id = {run_id}"
        ),
    )?;
    let ledger = count(
        conn,
        "SELECT count(*) AS n FROM ledger_entries WHERE reference_type = 'invoice'",
    )?;
    let still_due = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM subscription_billing \
             WHERE billed_through <= '{run_on}' OR usage_due_on <= '{run_on}'"
        ),
    )?;
    let by_kind: Vec<(String, i64)> = {
        #[derive(QueryableByName)]
        struct Kind {
            #[diesel(sql_type = Text)]
            kind: String,
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT kind, count(*) AS n FROM invoice_lines GROUP BY kind ORDER BY kind",
        )
        .load::<Kind>(conn)?
        .into_iter()
        .map(|k| (k.kind, k.n))
        .collect()
    };
    ensure!(
        still_due == 0,
        "{still_due} subscriptions are still due after the run"
    );
    Ok(format!(
        "in the database: {invoices} issued invoices, {lines} lines ({}), {ledger} ledger entries; \
         no subscription left due",
        by_kind
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

// The COPY floor ---------------------------------------------------------------------------

struct Floor {
    invoices: i64,
    lines: i64,
    secs: f64,
    invoices_secs: f64,
    lines_secs: f64,
}

/// Writes `data` (a whole binary COPY stream) in pieces, as a client streams it.
fn write_pieces(data: &[u8], out: &mut dyn Write) -> Result<(), diesel::result::Error> {
    for piece in data.chunks(64 * 1024) {
        out.write_all(piece)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    }
    Ok(())
}

fn copy_floor(conn: &mut PgConnection, url: &str) -> anyhow::Result<Floor> {
    let invoices_n = count(conn, "SELECT count(*) AS n FROM invoices")?;
    let lines_n = count(conn, "SELECT count(*) AS n FROM invoice_lines")?;
    // diesel leaves the connection busy after a raw `COPY … TO` (it never reads the
    // command's final result), so each dump gets a connection of its own.
    let mut invoice_data = Vec::new();
    diesel::copy_to(invoices::table)
        .with_format(CopyFormat::Binary)
        .load_raw(&mut PgConnection::establish(url)?)?
        .read_to_end(&mut invoice_data)?;
    let mut line_data = Vec::new();
    diesel::copy_to(invoice_lines::table)
        .with_format(CopyFormat::Binary)
        .load_raw(&mut PgConnection::establish(url)?)?
        .read_to_end(&mut line_data)?;
    // Empty tables and indexes, as the run found them; no dirty buffers left by the run.
    conn.batch_execute(
        "TRUNCATE invoices, invoice_lines, credit_notes, credit_note_lines; CHECKPOINT",
    )?;
    let started = Instant::now();
    let (mut invoices_secs, mut lines_secs) = (0.0, 0.0);
    conn.transaction(|conn| -> anyhow::Result<()> {
        let t = Instant::now();
        diesel::copy_from(invoices::table)
            .from_raw_data(invoices::table, |out| write_pieces(&invoice_data, out))
            .with_format(CopyFormat::Binary)
            .execute(conn)?;
        invoices_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        diesel::copy_from(invoice_lines::table)
            .from_raw_data(invoice_lines::table, |out| write_pieces(&line_data, out))
            .with_format(CopyFormat::Binary)
            .execute(conn)?;
        lines_secs = t.elapsed().as_secs_f64();
        Ok(())
    })?;
    let secs = started.elapsed().as_secs_f64();
    ensure!(
        count(conn, "SELECT count(*) AS n FROM invoice_lines")? == lines_n,
        "the floor's copy lost lines"
    );
    Ok(Floor {
        invoices: invoices_n,
        lines: lines_n,
        secs,
        invoices_secs,
        lines_secs,
    })
}
