//! The usage benchmarks of `make bench` (targets in docs/PERFORMANCE.md).
//!
//! `usage_bench poller <DATABASE_URL> <subscriptions> <rows>`: gives `subscriptions`
//! existing customers a capped plan subscription each, writes `rows` accounting sessions
//! spread over them into `radius.radacct` as Interim-Updates newer than the poller's
//! watermark (each session seen before at lower totals, as in steady state), then times one
//! poller pass — the real `services::usage::poll_radacct`, caps checked — and prints rows/s.
//!
//! `usage_bench ingest <DATABASE_URL> <SERVER_URL> <admin email> <admin password> <seconds>
//! <connections>`: registers an API client with `usage:write`, takes its token, and sends
//! batches of 1,000 records (each a new id, spread over the subscriptions) from
//! `connections` concurrent connections for `seconds`; prints records/s accepted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde_json::{json, Value};

const USAGE: &str = "usage: usage_bench poller <DATABASE_URL> <subscriptions> <rows> [--seed-only]\n       \
     usage_bench ingest <DATABASE_URL> <SERVER_URL> <admin email> <admin password> <seconds> <connections>";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("poller") => poller(&args[1..]),
        Some("ingest") => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(ingest(&args[1..])),
        _ => anyhow::bail!(USAGE),
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn poller(args: &[String]) -> anyhow::Result<()> {
    let url = args.first().context(USAGE)?;
    let subscriptions: i64 = args.get(1).context(USAGE)?.parse().context(USAGE)?;
    let rows: i64 = args.get(2).context(USAGE)?.parse().context(USAGE)?;
    ensure!(subscriptions > 0 && rows >= subscriptions, USAGE);
    let mut conn = PgConnection::establish(url)?;
    let customers: Count =
        diesel::sql_query("SELECT count(*) AS n FROM customers").get_result(&mut conn)?;
    ensure!(
        customers.n >= subscriptions,
        "{} customers in the database, {subscriptions} needed (run bench_seed first)",
        customers.n
    );
    let seeding = Instant::now();
    // A capped plan (1,000 GB: not reached, but every pass checks it), an order and line per
    // customer, a subscription per line; then the sessions and what the poller saw of them.
    conn.batch_execute(&format!(
        "BEGIN;
         INSERT INTO products (code, kind, service, name, tax_category, created_at, updated_at)
           VALUES ('BENCH-USAGE', 'plan', 'internet', 'Bench usage plan', 'telecom', now(), now());
         INSERT INTO product_versions (product_id, version, currency, monthly_price, one_time_price,
             download_mbps, upload_mbps, data_cap_gb, overage_per_gb, valid_from, created_at)
           SELECT id, 1, 'USD', 30, 0, 100, 20, 1000, 1, now(), now()
             FROM products WHERE code = 'BENCH-USAGE';
         CREATE TEMP TABLE bench_customers AS
           SELECT id FROM customers ORDER BY id LIMIT {subscriptions};
         INSERT INTO orders (number, customer_id, status, channel, currency, created_by, created_at, updated_at)
           SELECT 'UB-' || id, id, 'completed', 'api', 'USD', 'bench', now(), now() FROM bench_customers;
         INSERT INTO order_lines (order_id, customer_id, position, action, kind, product_version_id,
             description, quantity, created_at)
           SELECT o.id, o.customer_id, 1, 'add', 'plan', v.id, 'Bench plan', 1, now()
             FROM orders o, product_versions v JOIN products p ON p.id = v.product_id
            WHERE o.number LIKE 'UB-%' AND p.code = 'BENCH-USAGE';
         INSERT INTO subscriptions (customer_id, order_id, order_line_id, kind, product_id,
             product_version_id, status, quantity, currency, unit_monthly, started_at,
             billing_anchor_day, username, password, created_at, updated_at)
           SELECT l.customer_id, l.order_id, l.id, 'plan', v.product_id, v.id, 'active', 1, 'USD', 30,
                  now(), 1 + l.customer_id % 28, 'ub' || l.customer_id, 'secret', now(), now()
             FROM order_lines l
             JOIN orders o ON o.id = l.order_id
             JOIN product_versions v ON v.id = l.product_version_id
            WHERE o.number LIKE 'UB-%';
         CREATE TEMP TABLE bench_subs AS
           SELECT id, username, row_number() OVER (ORDER BY id) - 1 AS n
             FROM subscriptions WHERE username LIKE 'ub%';
         INSERT INTO radius.radacct (acctsessionid, acctuniqueid, username, nasipaddress,
             acctstarttime, acctupdatetime, acctinputoctets, acctoutputoctets)
           SELECT 'ub-' || k, md5('ub-' || k), s.username, '10.0.0.1',
                  now() - interval '1 hour', now() - (k % 60) * interval '1 second',
                  1000000 + (k * 7919) % 5000000000, 5000000 + (k * 104729) % 50000000000
             FROM generate_series(0::BIGINT, {rows} - 1) k
             JOIN bench_subs s ON s.n = k % {subscriptions};
         INSERT INTO usage_radius_sessions (acctuniqueid, username, input_octets, output_octets,
             deltas, last_observed_at, updated_at)
           SELECT acctuniqueid, username, acctinputoctets / 2, acctoutputoctets / 2, 1,
                  now() - interval '10 minutes', now() - interval '10 minutes'
             FROM radius.radacct WHERE username LIKE 'ub%';
         UPDATE usage_poller_state SET watermark = now() - interval '2 minutes';
         COMMIT;"
    ))?;
    // One statement per call: several in one string would run as one transaction, where
    // VACUUM refuses to run.
    for statement in [
        "VACUUM ANALYZE radius.radacct",
        "VACUUM ANALYZE usage_radius_sessions",
        "VACUUM ANALYZE subscriptions",
        "VACUUM ANALYZE usage_records",
        "CHECKPOINT",
    ] {
        conn.batch_execute(statement)?;
    }
    println!(
        "seeded {subscriptions} subscriptions and {rows} accounting sessions in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    if args.get(3).map(String::as_str) == Some("--seed-only") {
        return Ok(());
    }
    let started = Instant::now();
    let pass = api::services::usage::poll_radacct(
        &mut conn,
        chrono::Utc::now(),
        300,
        api::config::CapAction::Notify,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let took = started.elapsed().as_secs_f64();
    ensure!(pass.ran, "another process held the poller's lock");
    println!(
        "poller pass: {} changed rows read, {} usage records, {} caps reached in {:.2} s = {:.0} rows/s (target >= 200,000)",
        pass.rows_read,
        pass.records,
        pass.caps_reached,
        took,
        pass.rows_read as f64 / took
    );
    let started = Instant::now();
    let again = api::services::usage::poll_radacct(
        &mut conn,
        chrono::Utc::now(),
        300,
        api::config::CapAction::Notify,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "next pass (same rows re-read in the overlap window, nothing new): {} rows, {} records in {:.2} s",
        again.rows_read,
        again.records,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(QueryableByName)]
struct SubId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

async fn post_json(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> anyhow::Result<Value> {
    let mut req = client.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await?;
    let status = res.status();
    let body: Value = res.json().await?;
    ensure!(status.is_success(), "{url}: {status} {body}");
    Ok(body)
}

async fn ingest(args: &[String]) -> anyhow::Result<()> {
    let db_url = args.first().context(USAGE)?;
    let server = args.get(1).context(USAGE)?;
    let email = args.get(2).context(USAGE)?;
    let password = args.get(3).context(USAGE)?;
    let seconds: u64 = args.get(4).context(USAGE)?.parse().context(USAGE)?;
    let connections: usize = args.get(5).context(USAGE)?.parse().context(USAGE)?;
    let mut conn = PgConnection::establish(db_url)?;
    let subs: Vec<i64> = diesel::sql_query("SELECT id FROM subscriptions ORDER BY id")
        .load::<SubId>(&mut conn)?
        .into_iter()
        .map(|s| s.id)
        .collect();
    ensure!(
        !subs.is_empty(),
        "no subscriptions: run the poller bench first"
    );

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()?;
    let login = post_json(
        &client,
        &format!("{server}/api/v1/auth/login"),
        None,
        &json!({"email": email, "password": password}),
    )
    .await?;
    let admin = login["access_token"].as_str().context("no access token")?;
    let created = post_json(
        &client,
        &format!("{server}/api/v1/api-clients"),
        Some(admin),
        &json!({"name": "Usage bench mediation", "scopes": ["usage:write"]}),
    )
    .await?;
    let issued = post_json(
        &client,
        &format!("{server}/api/v1/auth/token"),
        None,
        &json!({
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        }),
    )
    .await?;
    let token = issued["access_token"]
        .as_str()
        .context("no client token")?
        .to_owned();

    // Bodies are built before the clock starts: the client shares the two cores.
    let batches = (seconds as usize * 150).max(connections * 2);
    let occurred = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let bodies: Vec<String> = (0..batches)
        .map(|b| {
            let records: Vec<Value> = (0..1000)
                .map(|i| {
                    let n = b * 1000 + i;
                    json!({
                        "id": format!("bench-{n}"),
                        "subscription_id": subs[n % subs.len()],
                        "occurred_at": occurred,
                        "input_octets": 1000 + n % 5000,
                        "output_octets": 20000 + n % 70000,
                    })
                })
                .collect();
            json!({ "records": records }).to_string()
        })
        .collect();
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let accepted = Arc::new(AtomicUsize::new(0));
    let url = format!("{server}/api/v1/usage-records");
    let deadline = Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, bodies, next, latencies, accepted, url, token) = (
            client.clone(),
            bodies.clone(),
            next.clone(),
            latencies.clone(),
            accepted.clone(),
            url.clone(),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let sent = Instant::now();
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                let status = res.status();
                let answer: Value = res.json().await?;
                ensure!(status.is_success(), "{status}: {answer}");
                accepted.fetch_add(
                    answer["accepted"].as_u64().unwrap_or(0) as usize,
                    Ordering::Relaxed,
                );
                latencies
                    .lock()
                    .unwrap()
                    .push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<(), anyhow::Error>(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let took = started.elapsed().as_secs_f64();
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let accepted = accepted.load(Ordering::Relaxed);
    println!(
        "POST /api/v1/usage-records: {} batches of 1,000 from {connections} connections in {took:.2} s: \
         {accepted} records accepted = {:.0} records/s (target >= 100,000); batch latency p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        accepted as f64 / took,
        pct(0.5),
        pct(0.99)
    );
    Ok(())
}
