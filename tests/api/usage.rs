//! Usage: FreeRADIUS accounting (sent with radclient to a real FreeRADIUS writing our
//! database) becomes usage records through the poller; batches from other mediation systems;
//! usage per period; data caps.

use api::auth::Role;
use api::config::CapAction;
use api::services::usage::{self, PassReport};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};
use serde_json::{json, Value};

use crate::builders::CustomerBuilder;
use crate::helpers::{spawn_app_with, TestApp};
use crate::radius_server::RadiusServer;

const GIB4: i64 = 1 << 32;

/// The application with its background poller out of the way: tests run passes themselves.
async fn app_with(cap_action: CapAction) -> TestApp {
    spawn_app_with(|c| {
        c.usage_poll_ms = 3_600_000;
        c.usage_cap_action = cap_action;
    })
    .await
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// A plan subscription of a new customer with this username, billing anchor day and data
/// cap (GB): a plan and its version, an order with one line, the subscription row.
fn subscription(app: &TestApp, username: &str, anchor: i32, cap_gb: Option<i32>) -> (i64, i64) {
    let customer = CustomerBuilder::new(&format!("Customer {username}")).create(app);
    let row: Id = diesel::sql_query(
        "WITH p AS (
             INSERT INTO products (code, kind, service, name, tax_category, created_at, updated_at)
             VALUES ('PLAN-' || upper($2), 'plan', 'internet', 'Plan ' || $2, 'telecom', $5, $5)
             RETURNING id
         ), v AS (
             INSERT INTO product_versions (product_id, version, currency, monthly_price,
                                           one_time_price, download_mbps, upload_mbps,
                                           data_cap_gb, overage_per_gb, valid_from, created_at)
             SELECT id, 1, 'USD', 30, 0, 100, 20, $4, CASE WHEN $4 IS NULL THEN NULL ELSE 1 END, $5, $5
               FROM p
             RETURNING id, product_id
         ), o AS (
             INSERT INTO orders (number, customer_id, status, channel, currency, created_by,
                                 created_at, updated_at)
             VALUES ('T-' || $2, $1, 'completed', 'api', 'USD', 'test', $5, $5)
             RETURNING id
         ), l AS (
             INSERT INTO order_lines (order_id, customer_id, position, action, kind,
                                      product_version_id, description, quantity, created_at)
             SELECT o.id, $1, 1, 'add', 'plan', v.id, 'Plan', 1, $5 FROM o, v
             RETURNING id, order_id, product_version_id
         )
         INSERT INTO subscriptions (customer_id, order_id, order_line_id, kind, product_id,
                                    product_version_id, status, quantity, currency, unit_monthly,
                                    started_at, billing_anchor_day, username, password,
                                    created_at, updated_at)
         SELECT $1, l.order_id, l.id, 'plan', v.product_id, v.id, 'active', 1, 'USD', 30, $5,
                $3, $2, 'secret', $5, $5
           FROM l, v
         RETURNING id",
    )
    .bind::<BigInt, _>(customer.id)
    .bind::<Text, _>(username)
    .bind::<Integer, _>(anchor)
    .bind::<Nullable<Integer>, _>(cap_gb)
    .bind::<diesel::sql_types::Timestamptz, _>(app.clock_now())
    .get_result(&mut app.conn())
    .expect("subscription inserted");
    (row.id, customer.id)
}

fn pass(app: &TestApp) -> PassReport {
    let report = usage::poll_radacct(
        &mut app.conn(),
        app.clock_now(),
        300,
        app.config.usage_cap_action,
    )
    .expect("a pass");
    assert!(report.ran, "the poller's lock was free");
    report
}

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct Recorded {
    #[diesel(sql_type = BigInt)]
    input_octets: i64,
    #[diesel(sql_type = BigInt)]
    output_octets: i64,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    counter_reset: bool,
    #[diesel(sql_type = Text)]
    session_delta: String,
}

fn records_of(app: &TestApp, subscription_id: i64) -> Vec<Recorded> {
    diesel::sql_query(
        "SELECT input_octets, output_octets, counter_reset, \
                session_id || '#' || session_delta AS session_delta FROM usage_records \
          WHERE subscription_id = $1 ORDER BY id",
    )
    .bind::<BigInt, _>(subscription_id)
    .load(&mut app.conn())
    .unwrap()
}

fn epoch(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// Accounting as a NAS sends it: 64-bit totals split into Octets and Gigawords.
fn acct(
    radius: &RadiusServer,
    user: &str,
    session: &str,
    status: &str,
    when: DateTime<Utc>,
    input: i64,
    output: i64,
) {
    let reply = radius.send(
        "acct",
        &format!(
            "User-Name = {user}, Acct-Status-Type = {status}, Acct-Session-Id = {session}, \
             NAS-IP-Address = 127.0.0.1, Event-Timestamp = {}, \
             Acct-Input-Octets = {}, Acct-Input-Gigawords = {}, \
             Acct-Output-Octets = {}, Acct-Output-Gigawords = {}",
            epoch(when),
            input & 0xffff_ffff,
            input >> 32,
            output & 0xffff_ffff,
            output >> 32,
        ),
    );
    assert!(reply.contains("Received Accounting-Response"), "{reply}");
}

fn rec(input: i64, output: i64, reset: bool, id: &str) -> Recorded {
    Recorded {
        input_octets: input,
        output_octets: output,
        counter_reset: reset,
        session_delta: id.to_owned(),
    }
}

fn session_key(app: &TestApp, session: &str) -> String {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = Text)]
        acctuniqueid: String,
    }
    diesel::sql_query("SELECT acctuniqueid FROM radius.radacct WHERE acctsessionid = $1")
        .bind::<Text, _>(session)
        .get_result::<Key>(&mut app.conn())
        .unwrap()
        .acctuniqueid
}

#[tokio::test]
async fn accounting_start_interim_stop_become_usage_with_exact_deltas_beyond_4_gib() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "alice", 1, None);
    let radius = RadiusServer::start(&app.db.url);
    let t = at(2026, 3, 2, 9, 0);

    acct(&radius, "alice", "s-1", "Start", t, 0, 0);
    let start = pass(&app);
    assert_eq!((start.rows_read, start.records), (1, 0), "{start:?}");

    // 1 GiW + 1000 up, 2 GiW + 5000 down.
    acct(
        &radius,
        "alice",
        "s-1",
        "Interim-Update",
        t + Duration::minutes(5),
        GIB4 + 1000,
        2 * GIB4 + 5000,
    );
    let first = pass(&app);
    assert_eq!(first.records, 1, "{first:?}");
    acct(
        &radius,
        "alice",
        "s-1",
        "Interim-Update",
        t + Duration::minutes(10),
        GIB4 + 3000,
        3 * GIB4,
    );
    pass(&app);
    acct(
        &radius,
        "alice",
        "s-1",
        "Stop",
        t + Duration::minutes(12),
        GIB4 + 3500,
        3 * GIB4 + 100,
    );
    pass(&app);
    let key = session_key(&app, "s-1");
    assert_eq!(
        records_of(&app, sub),
        vec![
            rec(GIB4 + 1000, 2 * GIB4 + 5000, false, &format!("{key}#1")),
            rec(2000, GIB4 - 5000, false, &format!("{key}#2")),
            rec(500, 100, false, &format!("{key}#3")),
        ]
    );

    // Reading the same rows again (they are inside the overlap window) records nothing.
    let again = pass(&app);
    assert!(again.rows_read >= 1, "{again:?}");
    assert_eq!(again.records, 0, "{again:?}");
    assert_eq!(records_of(&app, sub).len(), 3);

    // The API shows the period's totals, per day too.
    let token = app.token_as(Role::Agent);
    let reply = app
        .get(&format!("/api/v1/subscriptions/{sub}/usage"), Some(&token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = &reply.body;
    assert_eq!(body["period_start"], "2026-03-01");
    assert_eq!(body["period_end"], "2026-04-01");
    assert_eq!(body["input_octets"], GIB4 + 3500);
    assert_eq!(body["output_octets"], 3 * GIB4 + 100);
    assert_eq!(body["total_octets"], 4 * GIB4 + 3600);
    assert_eq!(body["cap_octets"], Value::Null);
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 31);
    assert_eq!(days[1]["date"], "2026-03-02");
    assert_eq!(days[1]["input_octets"], GIB4 + 3500);
    assert_eq!(days[0]["input_octets"], 0);
}

#[tokio::test]
async fn a_counter_that_goes_down_is_a_reset_counted_from_zero_never_negative() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "bob", 1, None);
    let radius = RadiusServer::start(&app.db.url);
    let t = at(2026, 3, 2, 9, 0);
    acct(&radius, "bob", "s-2", "Start", t, 0, 0);
    acct(
        &radius,
        "bob",
        "s-2",
        "Interim-Update",
        t + Duration::minutes(5),
        10_000,
        50_000,
    );
    pass(&app);
    // The NAS restarted its counters: 300 up, 700 down since then.
    acct(
        &radius,
        "bob",
        "s-2",
        "Interim-Update",
        t + Duration::minutes(10),
        300,
        700,
    );
    let reset = pass(&app);
    assert_eq!((reset.records, reset.resets), (1, 1), "{reset:?}");
    acct(
        &radius,
        "bob",
        "s-2",
        "Interim-Update",
        t + Duration::minutes(15),
        400,
        1700,
    );
    pass(&app);
    let key = session_key(&app, "s-2");
    assert_eq!(
        records_of(&app, sub),
        vec![
            rec(10_000, 50_000, false, &format!("{key}#1")),
            rec(300, 700, true, &format!("{key}#2")),
            rec(100, 1000, false, &format!("{key}#3")),
        ]
    );
}

#[tokio::test]
async fn accounting_of_an_unknown_username_is_kept_unmatched_never_billed_nor_counted_twice() {
    let app = app_with(CapAction::Notify).await;
    let (known, _) = subscription(&app, "carol", 1, None);
    let radius = RadiusServer::start(&app.db.url);
    let t = at(2026, 3, 2, 9, 0);
    acct(&radius, "mallory", "s-3", "Start", t, 0, 0);
    acct(
        &radius,
        "mallory",
        "s-3",
        "Interim-Update",
        t + Duration::minutes(5),
        1000,
        2000,
    );
    acct(&radius, "mallory", "s-4", "Start", t, 0, 0);
    acct(
        &radius,
        "mallory",
        "s-4",
        "Stop",
        t + Duration::minutes(6),
        10,
        20,
    );
    let first = pass(&app);
    assert_eq!((first.records, first.unmatched), (0, 2), "{first:?}");
    acct(
        &radius,
        "mallory",
        "s-3",
        "Interim-Update",
        t + Duration::minutes(10),
        1500,
        2600,
    );
    let second = pass(&app);
    assert_eq!((second.records, second.unmatched), (0, 1), "{second:?}");
    assert_eq!(pass(&app).unmatched, 0, "a re-read adds nothing");
    assert_eq!(app.count("usage_records", ""), 0);
    assert_eq!(records_of(&app, known).len(), 0);

    let manager = app.token_as(Role::Manager);
    let reply = app.get("/api/v1/usage/unmatched", Some(&manager)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.items().as_slice(),
        &[json!({
            "username": "mallory",
            "sessions": 2,
            "input_octets": 1510,
            "output_octets": 2620,
            "first_seen_at": "2026-03-02T09:05:00Z",
            "last_seen_at": "2026-03-02T09:10:00Z",
        })]
    );
    let agent = app.token_as(Role::Agent);
    assert_eq!(
        app.get("/api/v1/usage/unmatched", Some(&agent))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn a_session_spanning_two_periods_gives_each_period_what_was_reported_within_it() {
    let app = app_with(CapAction::Notify).await;
    // Periods start on the 15th.
    let (sub, _) = subscription(&app, "dave", 15, None);
    let radius = RadiusServer::start(&app.db.url);
    // The poller reads each update as it comes (radacct keeps only the latest totals).
    acct(
        &radius,
        "dave",
        "s-5",
        "Start",
        at(2026, 3, 14, 22, 0),
        0,
        0,
    );
    pass(&app);
    acct(
        &radius,
        "dave",
        "s-5",
        "Interim-Update",
        at(2026, 3, 14, 23, 0),
        100,
        1000,
    );
    pass(&app);
    acct(
        &radius,
        "dave",
        "s-5",
        "Interim-Update",
        at(2026, 3, 15, 1, 0),
        350,
        4000,
    );
    pass(&app);
    acct(
        &radius,
        "dave",
        "s-5",
        "Stop",
        at(2026, 3, 15, 2, 0),
        360,
        4100,
    );
    pass(&app);
    app.clock.advance(at(2026, 3, 16, 0, 0) - app.clock_now());

    let token = app.token_as(Role::Viewer);
    let before = app
        .get(
            &format!("/api/v1/subscriptions/{sub}/usage?period_start=2026-02-15"),
            Some(&token),
        )
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["period_end"], "2026-03-15");
    assert_eq!(
        (&before.body["input_octets"], &before.body["output_octets"]),
        (&json!(100), &json!(1000))
    );
    let current = app
        .get(&format!("/api/v1/subscriptions/{sub}/usage"), Some(&token))
        .await;
    assert_eq!(current.body["period_start"], "2026-03-15");
    assert_eq!(
        (
            &current.body["input_octets"],
            &current.body["output_octets"]
        ),
        (&json!(260), &json!(3100))
    );
    assert_eq!(current.body["days"][0]["input_octets"], 260);

    // A date that does not start one of its periods is refused, naming the parameter.
    let wrong = app
        .get(
            &format!("/api/v1/subscriptions/{sub}/usage?period_start=2026-03-01"),
            Some(&token),
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(wrong.error_fields(), ["period_start"]);
    let missing = app
        .get("/api/v1/subscriptions/999999/usage", Some(&token))
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn rows_written_late_inside_the_overlap_are_read_and_older_ones_wait_for_their_next_update() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "erin", 1, None);
    let radius = RadiusServer::start(&app.db.url);
    let t = at(2026, 3, 2, 9, 0);
    acct(&radius, "erin", "s-6", "Start", t, 0, 0);
    acct(
        &radius,
        "erin",
        "s-6",
        "Interim-Update",
        t + Duration::minutes(30),
        1000,
        1000,
    );
    let first = pass(&app);
    assert_eq!(first.watermark, Some(t + Duration::minutes(30)));

    // Another session's update stamped 2 minutes before the watermark (inside the 5-minute
    // overlap), written after the pass.
    acct(
        &radius,
        "erin",
        "s-7",
        "Interim-Update",
        t + Duration::minutes(28),
        50,
        60,
    );
    // And one stamped an hour before it: outside the overlap.
    acct(
        &radius,
        "erin",
        "s-8",
        "Interim-Update",
        t - Duration::minutes(30),
        7,
        8,
    );
    let late = pass(&app);
    assert_eq!(late.records, 1, "{late:?}");
    let s7 = session_key(&app, "s-7");
    assert_eq!(
        records_of(&app, sub)[1],
        rec(50, 60, false, &format!("{s7}#1"))
    );

    // s-8's next update is read, and carries everything since the session's start: the
    // running totals lose nothing.
    acct(
        &radius,
        "erin",
        "s-8",
        "Stop",
        t + Duration::minutes(31),
        9,
        10,
    );
    let stop = pass(&app);
    assert_eq!(stop.records, 1, "{stop:?}");
    let s8 = session_key(&app, "s-8");
    assert_eq!(
        records_of(&app, sub)[2],
        rec(9, 10, false, &format!("{s8}#1"))
    );
    assert_eq!(records_of(&app, sub).len(), 3);
}

#[tokio::test]
async fn a_second_poller_does_nothing_while_one_holds_the_lock() {
    use diesel::connection::SimpleConnection;
    let app = app_with(CapAction::Notify).await;
    let mut holder = app.conn();
    holder
        .batch_execute("BEGIN; SELECT 1 FROM usage_poller_state WHERE id = 1 FOR UPDATE;")
        .unwrap();
    let skipped =
        usage::poll_radacct(&mut app.conn(), app.clock_now(), 300, CapAction::Notify).unwrap();
    assert!(!skipped.ran);
    holder.batch_execute("ROLLBACK").unwrap();
    assert!(pass(&app).ran);
}

fn record(id: &str, sub: i64, at: &str, input: i64, output: i64) -> Value {
    json!({"id": id, "subscription_id": sub, "occurred_at": at, "input_octets": input, "output_octets": output})
}

#[tokio::test]
async fn a_batch_of_usage_records_is_written_once_and_replays_count_as_duplicates() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "frank", 1, None);
    let token = app.integration_token(&["usage:write"]);
    let batch = json!({"records": [
        record("r-1", sub, "2026-03-02T08:00:00Z", 100, 200),
        record("r-2", sub, "2026-03-02T08:05:00Z", 300, 400),
        {"id": "r-3", "username": "frank", "occurred_at": "2026-03-02T08:10:00Z", "input_octets": 5, "output_octets": 6},
    ]});
    let reply = app
        .post("/api/v1/usage-records", Some(&token), &batch)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({"accepted": 3, "duplicates": 0}));

    // The same ids again (one new): only the new one is written.
    let replay = json!({"records": [
        record("r-1", sub, "2026-03-02T08:00:00Z", 999, 999),
        record("r-4", sub, "2026-03-02T08:20:00Z", 1, 1),
    ]});
    let reply = app
        .post("/api/v1/usage-records", Some(&token), &replay)
        .await;
    assert_eq!(reply.body, json!({"accepted": 1, "duplicates": 1}));
    assert_eq!(app.count("usage_records", ""), 4);
    assert_eq!(
        app.count(
            "usage_records",
            "external_id = 'r-1' AND input_octets = 100"
        ),
        1
    );

    // Another client's ids are its own.
    let other = app.integration_token(&["usage:write"]);
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&other),
            &json!({"records": [record("r-1", sub, "2026-03-02T08:00:00Z", 1, 1)]}),
        )
        .await;
    assert_eq!(reply.body, json!({"accepted": 1, "duplicates": 0}));

    let usage = app
        .get(
            &format!("/api/v1/subscriptions/{sub}/usage"),
            Some(&app.token_as(Role::Agent)),
        )
        .await;
    assert_eq!(usage.body["input_octets"], 100 + 300 + 5 + 1 + 1);
}

#[tokio::test]
async fn one_bad_record_rejects_the_whole_batch_naming_its_index() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "grace", 1, None);
    let token = app.integration_token(&["usage:write"]);
    let mut records: Vec<Value> = (0..20)
        .map(|i| record(&format!("g-{i}"), sub, "2026-03-02T08:00:00Z", 1, 1))
        .collect();
    records[17]["input_octets"] = json!(-5);
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({ "records": records }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.problem_code(), "validation_failed");
    assert_eq!(reply.error_fields(), ["records[17].input_octets"]);

    // A wrong type is named the same way.
    records[17]["input_octets"] = json!("many");
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({ "records": records }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["records[17].input_octets"]);

    // An unknown subscription, by id or username.
    records[17]["input_octets"] = json!(1);
    records[3]["subscription_id"] = json!(987_654);
    records[9] = json!({"id": "g-9", "username": "nobody", "occurred_at": "2026-03-02T08:00:00Z", "input_octets": 1, "output_octets": 1});
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({ "records": records }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        ["records[3].subscription_id", "records[9].username"]
    );
    assert_eq!(reply.body["errors"][0]["code"], "unknown_subscription");

    // Duplicate ids inside one batch, usage in the future, both or neither subscription key.
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({"records": [
                record("x", sub, "2026-03-02T08:00:00Z", 1, 1),
                record("x", sub, "2026-03-02T08:00:00Z", 1, 1),
                record("y", sub, "2026-03-03T08:00:00Z", 1, 1),
                {"id": "z", "occurred_at": "2026-03-02T08:00:00Z", "input_octets": 1, "output_octets": 1},
            ]}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(
        reply.error_fields(),
        [
            "records[1].id",
            "records[2].occurred_at",
            "records[3].subscription_id"
        ]
    );
    assert_eq!(app.count("usage_records", ""), 0, "nothing was written");

    // Empty and over-long batches.
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({"records": []}),
        )
        .await;
    assert_eq!(reply.status, 422);
    let many: Vec<Value> = (0..1001)
        .map(|i| record(&format!("m-{i}"), sub, "2026-03-02T08:00:00Z", 1, 1))
        .collect();
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({ "records": many }),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["errors"][0]["code"], "too_many");
    // A full batch of 1,000 with long ids fits the body limit.
    let full: Vec<Value> = (0..1000)
        .map(|i| record(&format!("{i:0>200}"), sub, "2026-03-02T08:00:00Z", 1, 1))
        .collect();
    let reply = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({ "records": full }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["accepted"], 1000);
}

#[tokio::test]
async fn only_mediation_clients_with_the_scope_and_admins_write_usage() {
    let app = app_with(CapAction::Notify).await;
    let (sub, _) = subscription(&app, "heidi", 1, None);
    let batch = json!({"records": [record("h-1", sub, "2026-03-02T08:00:00Z", 1, 1)]});
    for role in [
        Role::Agent,
        Role::Manager,
        Role::Finance,
        Role::Viewer,
        Role::Customer,
    ] {
        let reply = app
            .post("/api/v1/usage-records", Some(&app.token_as(role)), &batch)
            .await;
        assert_eq!(reply.status, 403, "{role}: {}", reply.text);
    }
    let unscoped = app.integration_token(&["customers:read"]);
    let reply = app
        .post("/api/v1/usage-records", Some(&unscoped), &batch)
        .await;
    assert_eq!(reply.status, 403);
    let admin = app.admin_token().await;
    let reply = app
        .post("/api/v1/usage-records", Some(&admin), &batch)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(app.count("usage_records", ""), 1);
}

#[derive(QueryableByName, Debug)]
struct Job {
    #[diesel(sql_type = BigInt)]
    subscription_id: i64,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    payload: Value,
    #[diesel(sql_type = Integer)]
    max_attempts: i32,
    #[diesel(sql_type = Text)]
    created_by: String,
}

#[tokio::test]
async fn a_reached_cap_records_an_event_and_a_throttle_job_once_per_period() {
    let app = app_with(CapAction::Throttle).await;
    // A 1 GB cap (10^9 octets); periods start on the 1st.
    let (sub, customer) = subscription(&app, "ivan", 1, Some(1));
    let (uncapped, _) = subscription(&app, "judy", 1, None);
    let token = app.integration_token(&["usage:write"]);
    let send = |id: &str, sub: i64, octets: i64| json!({"records": [record(id, sub, "2026-03-02T08:00:00Z", 0, octets)]});
    let r = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &send("i-1", sub, 600_000_000),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.count("usage_cap_events", ""), 0, "60% is not the cap");
    app.post(
        "/api/v1/usage-records",
        Some(&token),
        &send("j-1", uncapped, 5_000_000_000),
    )
    .await;
    // 999,999,999 octets: one short of the cap.
    app.post(
        "/api/v1/usage-records",
        Some(&token),
        &send("i-2", sub, 399_999_999),
    )
    .await;
    assert_eq!(app.count("usage_cap_events", ""), 0);
    app.post("/api/v1/usage-records", Some(&token), &send("i-3", sub, 1))
        .await;
    app.post(
        "/api/v1/usage-records",
        Some(&token),
        &send("i-4", sub, 1000),
    )
    .await;

    assert_eq!(
        app.count(
            "events",
            &format!("event_type = 'usage.cap_reached' AND customer_id = {customer}")
        ),
        1
    );
    assert_eq!(app.count("events", "event_type = 'usage.cap_reached'"), 1);
    let jobs: Vec<Job> = diesel::sql_query(
        "SELECT subscription_id, status, payload, max_attempts, created_by FROM provisioning_jobs",
    )
    .load(&mut app.conn())
    .unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].subscription_id, sub);
    assert_eq!(jobs[0].status, "pending");
    assert_eq!(
        jobs[0].payload,
        json!({"period_start": "2026-03-01", "reason": "data_cap"})
    );
    assert_eq!(
        (jobs[0].max_attempts, jobs[0].created_by.as_str()),
        (8, "usage")
    );

    let usage = app
        .get(
            &format!("/api/v1/subscriptions/{sub}/usage"),
            Some(&app.token_as(Role::Agent)),
        )
        .await;
    assert_eq!(usage.body["cap_octets"], 1_000_000_000_i64);
    assert_eq!(usage.body["total_octets"], 1_000_001_000_i64);
    assert_eq!(usage.body["percent_used"], "100.0");
    assert_eq!(usage.body["cap_reached_at"], "2026-03-02T09:00:00Z");

    // The next period starts afresh: reaching the cap again there is a new event and job.
    app.clock.advance(Duration::days(30));
    let token = app.integration_token(&["usage:write"]);
    let r = app
        .post(
            "/api/v1/usage-records",
            Some(&token),
            &json!({"records": [record("i-5", sub, "2026-04-01T08:00:00Z", 0, 1_000_000_000)]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.count("provisioning_jobs", ""), 2);
    assert_eq!(app.count("usage_cap_events", ""), 2);

    // March is over: the poller lifts March's throttle, once.
    assert_eq!(pass(&app).throttles_lifted, 1);
    assert_eq!(pass(&app).throttles_lifted, 0);
    let lift: Vec<Job> = diesel::sql_query(
        "SELECT subscription_id, status, payload, max_attempts, created_by FROM provisioning_jobs \
          WHERE action = 'unthrottle'",
    )
    .load(&mut app.conn())
    .unwrap();
    assert_eq!(lift.len(), 1, "{lift:?}");
    assert_eq!(lift[0].subscription_id, sub);
    assert_eq!(
        lift[0].payload,
        json!({"period_start": "2026-03-01", "reason": "period_ended"})
    );
    assert_eq!(
        app.count(
            "events",
            &format!("event_type = 'usage.throttle_lifted' AND customer_id = {customer}")
        ),
        1
    );
}

#[tokio::test]
async fn a_cap_reached_through_radius_accounting_notifies_without_a_job() {
    let app = app_with(CapAction::Notify).await;
    let (sub, customer) = subscription(&app, "kate", 1, Some(20));
    let radius = RadiusServer::start(&app.db.url);
    let t = at(2026, 3, 2, 8, 0);
    acct(&radius, "kate", "s-9", "Start", t, 0, 0);
    acct(
        &radius,
        "kate",
        "s-9",
        "Interim-Update",
        t + Duration::minutes(5),
        GIB4,
        3 * GIB4,
    );
    let report = pass(&app);
    assert_eq!(
        report.caps_reached, 0,
        "4 × 2^32 octets (17.2 GB) are under 20 GB"
    );
    acct(
        &radius,
        "kate",
        "s-9",
        "Interim-Update",
        t + Duration::minutes(10),
        GIB4,
        4 * GIB4,
    );
    assert_eq!(pass(&app).caps_reached, 1);
    acct(
        &radius,
        "kate",
        "s-9",
        "Stop",
        t + Duration::minutes(15),
        GIB4,
        5 * GIB4,
    );
    assert_eq!(pass(&app).caps_reached, 0, "once per period");
    assert_eq!(
        app.count(
            "events",
            &format!("event_type = 'usage.cap_reached' AND customer_id = {customer} AND entity_id = '{sub}'")
        ),
        1
    );
    assert_eq!(app.count("provisioning_jobs", ""), 0);
}

#[tokio::test]
async fn the_sql_period_rule_is_the_domain_rule() {
    use api::domain::usage::{AnchorDay, Period};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Date)]
        day: NaiveDate,
        #[diesel(sql_type = Integer)]
        anchor: i32,
        #[diesel(sql_type = Date)]
        start: NaiveDate,
        #[diesel(sql_type = Date)]
        end: NaiveDate,
    }
    let app = app_with(CapAction::None).await;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT d::DATE AS day, a AS anchor, usage_period_start(d::DATE, a) AS start,
                usage_period_end(usage_period_start(d::DATE, a), a) AS end
           FROM generate_series('2023-12-01'::DATE, '2025-03-31'::DATE, INTERVAL '1 day') d,
                generate_series(1, 31) a",
    )
    .load(&mut app.conn())
    .unwrap();
    assert!(rows.len() > 14_000);
    for row in rows {
        let period = Period::containing(row.day, AnchorDay::parse(row.anchor).unwrap());
        assert_eq!(
            (period.start, period.end),
            (row.start, row.end),
            "{} anchor {}",
            row.day,
            row.anchor
        );
    }
}
