//! Usage: the FreeRADIUS accounting poller, batches of records from other mediation
//! systems, usage per subscription and period, and the data-cap check. The rules are in
//! `domain::usage` and docs/USAGE.md; the SQL here applies them set-based, one statement per
//! pass or batch.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::connection::Connection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel::PgConnection;
use serde_json::json;

use crate::config::CapAction;
use crate::domain::usage::{cap_octets, AnchorDay, Period};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Actor, Change};

/// What one poller pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// False when another process held the poller's lock (nothing was read).
    pub ran: bool,
    /// Accounting rows read (changed since the watermark, overlap included).
    pub rows_read: i64,
    /// Usage records written for subscriptions.
    pub records: i64,
    /// Deltas of usernames no subscription carries.
    pub unmatched: i64,
    /// Sessions whose counters went down (recorded from zero).
    pub resets: i64,
    /// Data caps reached by this pass.
    pub caps_reached: usize,
    /// Throttles of periods now over, lifted by an `unthrottle` job.
    pub throttles_lifted: usize,
    pub watermark: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Watermark {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    watermark: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct PassRow {
    #[diesel(sql_type = BigInt)]
    rows_read: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    max_seen: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    records: i64,
    #[diesel(sql_type = BigInt)]
    unmatched: i64,
    #[diesel(sql_type = BigInt)]
    resets: i64,
    #[diesel(sql_type = Nullable<Array<BigInt>>)]
    touched: Option<Vec<i64>>,
}

/// One pass: accounting rows changed since the watermark (less the overlap) are joined
/// with the counters last seen per session; the deltas become usage records (or unmatched
/// usage), the last-seen counters and the watermark move on, and caps are checked — all in
/// one transaction, so a failed pass leaves nothing half done. The watermark row is locked
/// with SKIP LOCKED: when another process is polling, this one does nothing.
pub fn poll_radacct(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    overlap_secs: i64,
    cap_action: CapAction,
) -> ApiResult<PassReport> {
    conn.transaction(|conn| {
        let locked: Vec<Watermark> = diesel::sql_query(
            "SELECT watermark FROM usage_poller_state WHERE id = 1 FOR UPDATE SKIP LOCKED",
        )
        .load(conn)?;
        let Some(state) = locked.into_iter().next() else {
            return Ok(PassReport::default());
        };
        // Hash joins and the sort of a large pass stay in memory: a million-row pass hashes
        // ~100 MB of last-seen counters and sorts ~165 MB of records (64 MB spilled the sort
        // to disk). One pass at a time, so this is the poller's memory, not a pool's.
        diesel::sql_query("SET LOCAL work_mem = '256MB'").execute(conn)?;
        let from = state.watermark.map(|w| w - Duration::seconds(overlap_secs));
        let pass: PassRow = diesel::sql_query(POLL_SQL)
            .bind::<Nullable<Timestamptz>, _>(from)
            .bind::<Timestamptz, _>(now)
            .bind::<Array<Date>, _>(&current_period_starts(now)?)
            .get_result(conn)?;
        // The watermark never runs ahead of the database's clock: a NAS whose clock is
        // ahead would otherwise make every other NAS's rows look old.
        let watermark: Watermark = diesel::sql_query(
            "UPDATE usage_poller_state \
                SET watermark = GREATEST(watermark, LEAST($1, statement_timestamp())), \
                    last_pass_at = $2, last_pass_rows = $3 \
              WHERE id = 1 RETURNING watermark",
        )
        .bind::<Nullable<Timestamptz>, _>(pass.max_seen)
        .bind::<Timestamptz, _>(now)
        .bind::<BigInt, _>(pass.rows_read)
        .get_result(conn)?;
        let lifted = lift_throttles(conn, now)?;
        let caps = check_caps(conn, &pass.touched.unwrap_or_default(), now, cap_action)?;
        Ok(PassReport {
            ran: true,
            rows_read: pass.rows_read,
            records: pass.records,
            unmatched: pass.unmatched,
            resets: pass.resets,
            caps_reached: caps,
            throttles_lifted: lifted,
            watermark: watermark.watermark,
        })
    })
}

/// The pass as one statement. `$1`: read rows updated at or after this (NULL: all);
/// `$2`: the time records are created at; `$3`: the current period's start per anchor day.
/// `touched` is what the cap check needs to look at: the capped subscriptions whose total
/// for the current period is now at or over the cap, and any capped one whose usage went
/// to another period (late records; the check then reads its current period itself).
const POLL_SQL: &str = "
WITH changed AS (
    SELECT r.acctuniqueid,
           COALESCE(r.username, '') AS username,
           COALESCE(r.acctstoptime, r.acctupdatetime) AS observed_at,
           r.acctupdatetime,
           GREATEST(COALESCE(r.acctinputoctets, 0), 0) AS in_total,
           GREATEST(COALESCE(r.acctoutputoctets, 0), 0) AS out_total
      FROM radius.radacct r
     WHERE $1::timestamptz IS NULL OR r.acctupdatetime >= $1
),
deltas AS (
    SELECT c.acctuniqueid, c.username, c.observed_at, c.in_total, c.out_total,
           -- The last-seen row itself: its update below finds it by this, not by its key.
           ls.ctid AS seen_row,
           COALESCE(ls.deltas, 0) AS seen_deltas,
           CASE WHEN c.in_total >= COALESCE(ls.input_octets, 0)
                THEN c.in_total - COALESCE(ls.input_octets, 0) ELSE c.in_total END AS d_in,
           CASE WHEN c.out_total >= COALESCE(ls.output_octets, 0)
                THEN c.out_total - COALESCE(ls.output_octets, 0) ELSE c.out_total END AS d_out,
           (c.in_total < COALESCE(ls.input_octets, 0)
              OR c.out_total < COALESCE(ls.output_octets, 0)) AS reset
      FROM changed c
      LEFT JOIN usage_radius_sessions ls ON ls.acctuniqueid = c.acctuniqueid
     WHERE ls.acctuniqueid IS NULL
        OR ls.input_octets <> c.in_total
        OR ls.output_octets <> c.out_total
),
matched AS (
    SELECT d.*, s.id AS subscription_id, s.customer_id, s.billing_anchor_day,
           s.product_version_id
      FROM deltas d
      LEFT JOIN subscriptions s ON s.username = d.username
     WHERE d.d_in > 0 OR d.d_out > 0
),
recorded AS (
    INSERT INTO usage_records (customer_id, subscription_id, source, source_key,
                               occurred_at, input_octets, output_octets, session_id,
                               session_delta, counter_reset, created_at)
    SELECT customer_id, subscription_id, 'radius', 'radius', observed_at, d_in, d_out,
           acctuniqueid, seen_deltas + 1, reset, $2
      FROM matched
     WHERE subscription_id IS NOT NULL
     -- In index order: a million random B-tree inserts cost several times more.
     ORDER BY subscription_id, observed_at
),
unmatched AS (
    INSERT INTO usage_unmatched (username, acctuniqueid, occurred_at, input_octets,
                                 output_octets, counter_reset, created_at)
    SELECT username, acctuniqueid, observed_at, d_in, d_out, reset, $2
      FROM matched
     WHERE subscription_id IS NULL
),
-- Sessions seen before are updated through the row read above (no key probe; HOT, since no
-- index covers the counters); new ones are inserted. Passes never overlap (the state row's
-- lock), and only the poller writes this table, so the row read is the row updated.
seen_before AS (
    UPDATE usage_radius_sessions ls
       SET input_octets = d.in_total,
           output_octets = d.out_total,
           deltas = d.seen_deltas + CASE WHEN d.d_in > 0 OR d.d_out > 0 THEN 1 ELSE 0 END,
           last_observed_at = d.observed_at,
           updated_at = $2
      FROM deltas d
     WHERE ls.ctid = d.seen_row
),
seen_first AS (
    INSERT INTO usage_radius_sessions (acctuniqueid, username, input_octets, output_octets,
                                       deltas, last_observed_at, updated_at)
    SELECT acctuniqueid, username, in_total, out_total,
           CASE WHEN d_in > 0 OR d_out > 0 THEN 1 ELSE 0 END, observed_at, $2
      FROM deltas
     WHERE seen_row IS NULL
),
-- The running totals per subscription and period: the deltas summed per subscription and
-- observation day first, the period rule applied once per (anchor, day), then one upsert
-- per subscription and period, in key order. Sums are NUMERIC and the total saturates at
-- the BIGINT maximum (far above any cap) rather than failing the pass.
by_day AS (
    SELECT subscription_id, billing_anchor_day AS anchor, product_version_id,
           (observed_at AT TIME ZONE 'UTC')::DATE AS day, sum(d_in) + sum(d_out) AS octets
      FROM matched
     WHERE subscription_id IS NOT NULL
     GROUP BY 1, 2, 3, 4
),
-- MATERIALIZED: inlined, the (not inlinable) period function ran once per joined row.
periods AS MATERIALIZED (
    SELECT anchor, day, usage_period_start(day, anchor) AS period_start
      FROM (SELECT DISTINCT anchor, day FROM by_day) x
),
totals AS (
    INSERT INTO usage_period_totals AS t (subscription_id, period_start, octets)
    SELECT b.subscription_id, p.period_start, LEAST(sum(b.octets), 9223372036854775807)::BIGINT
      FROM by_day b JOIN periods p USING (anchor, day)
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (subscription_id, period_start)
       DO UPDATE SET octets = LEAST(t.octets::NUMERIC + EXCLUDED.octets, 9223372036854775807)::BIGINT
    RETURNING subscription_id, period_start, octets
)
SELECT (SELECT count(*) FROM changed) AS rows_read,
       (SELECT max(acctupdatetime) FROM changed) AS max_seen,
       (SELECT count(*) FROM matched WHERE subscription_id IS NOT NULL) AS records,
       (SELECT count(*) FROM matched WHERE subscription_id IS NULL) AS unmatched,
       (SELECT count(*) FROM deltas WHERE reset) AS resets,
       (SELECT array_agg(DISTINCT t.subscription_id)
          FROM totals t
          JOIN (SELECT DISTINCT subscription_id, anchor, product_version_id FROM by_day) b
            ON b.subscription_id = t.subscription_id
          JOIN product_versions pv ON pv.id = b.product_version_id
         WHERE pv.data_cap_gb IS NOT NULL
           AND (t.period_start <> ($3::DATE[])[b.anchor]
                OR t.octets >= pv.data_cap_gb::BIGINT * 1000000000)) AS touched
";

#[derive(QueryableByName, Debug)]
struct CapRow {
    #[diesel(sql_type = BigInt)]
    subscription_id: i64,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = BigInt)]
    used_octets: i64,
    #[diesel(sql_type = BigInt)]
    cap_octets: i64,
}

#[derive(QueryableByName)]
struct JobId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The start of the period containing `now` for each anchor day (index 1–31 in SQL),
/// computed once here rather than per subscription in SQL.
fn current_period_starts(now: DateTime<Utc>) -> ApiResult<Vec<NaiveDate>> {
    (1..=31)
        .map(|day| {
            let anchor =
                AnchorDay::parse(day).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
            Ok(Period::containing(now.date_naive(), anchor).start)
        })
        .collect()
}

/// Checks the data caps of `subscriptions` in the period containing `now`: each one whose
/// usage reached its plan's cap, and is not yet flagged for that period, is flagged (the
/// key allows once per period), gets a `usage.cap_reached` event on its customer's
/// timeline, and — with `throttle` — a pending `throttle` provisioning job. Runs inside the
/// caller's transaction. Returns how many caps were reached.
pub fn check_caps(
    conn: &mut PgConnection,
    subscriptions: &[i64],
    now: DateTime<Utc>,
    action: CapAction,
) -> ApiResult<usize> {
    let action_name = match action {
        CapAction::None => return Ok(0),
        CapAction::Notify => "notify",
        CapAction::Throttle => "throttle",
    };
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let starts = current_period_starts(now)?;
    let reached: Vec<CapRow> = diesel::sql_query(
        "WITH subs AS (
             SELECT s.id, s.customer_id, pv.data_cap_gb::BIGINT * 1000000000 AS cap,
                    ($4::DATE[])[s.billing_anchor_day] AS period_start
               FROM subscriptions s
               JOIN product_versions pv ON pv.id = s.product_version_id
              -- A semi-join: `= ANY` of a constant array costs planning time per element.
              WHERE s.id IN (SELECT unnest($1::BIGINT[])) AND pv.data_cap_gb IS NOT NULL
         ),
         used AS (
             -- The running total of the period (caps are > 0: no row, not reached).
             SELECT subs.*, t.octets AS used
               FROM subs
               JOIN usage_period_totals t
                 ON t.subscription_id = subs.id AND t.period_start = subs.period_start
              WHERE t.octets >= subs.cap
                AND NOT EXISTS (SELECT 1 FROM usage_cap_events e
                                 WHERE e.subscription_id = subs.id
                                   AND e.period_start = subs.period_start)
         )
         INSERT INTO usage_cap_events (subscription_id, period_start, customer_id, used_octets,
                                       cap_octets, action, reached_at)
         SELECT id, period_start, customer_id, used, cap, $3, $2
           FROM used
          WHERE used >= cap
         ON CONFLICT DO NOTHING
         RETURNING subscription_id, period_start, customer_id, used_octets, cap_octets",
    )
    .bind::<Array<BigInt>, _>(subscriptions)
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(action_name)
    .bind::<Array<Date>, _>(&starts)
    .load(conn)?;
    for cap in &reached {
        let job_id = if action == CapAction::Throttle {
            let job: JobId = diesel::sql_query(
                "INSERT INTO provisioning_jobs (subscription_id, action, status, payload,
                                                max_attempts, next_attempt_at, created_by,
                                                created_at, updated_at)
                 VALUES ($1, 'throttle', 'pending', $2, 8, $3, 'usage', $3, $3)
                 RETURNING id",
            )
            .bind::<BigInt, _>(cap.subscription_id)
            .bind::<diesel::sql_types::Jsonb, _>(json!({
                "period_start": cap.period_start.to_string(),
                "reason": "data_cap",
            }))
            .bind::<Timestamptz, _>(now)
            .get_result(conn)?;
            diesel::sql_query(
                "UPDATE usage_cap_events SET provisioning_job_id = $1 \
                  WHERE subscription_id = $2 AND period_start = $3",
            )
            .bind::<BigInt, _>(job.id)
            .bind::<BigInt, _>(cap.subscription_id)
            .bind::<Date, _>(cap.period_start)
            .execute(conn)?;
            Some(job.id)
        } else {
            None
        };
        audit::record_as(
            conn,
            &Actor::System,
            None,
            now,
            Change {
                action: "usage.cap_reached",
                entity_type: "subscription",
                entity_id: cap.subscription_id.to_string(),
                before: None,
                after: Some(json!({
                    "subscription_id": cap.subscription_id,
                    "period_start": cap.period_start.to_string(),
                    "used_octets": cap.used_octets,
                    "cap_octets": cap.cap_octets,
                    "action": action_name,
                    "provisioning_job_id": job_id,
                })),
                customer_id: Some(cap.customer_id),
            },
        )?;
    }
    Ok(reached.len())
}

#[derive(QueryableByName)]
struct Lifted {
    #[diesel(sql_type = BigInt)]
    subscription_id: i64,
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = BigInt)]
    job_id: i64,
}

/// Lifts the throttles of periods that are over: for each subscription throttled for its
/// data cap in a period that ended by `now`, a pending `unthrottle` job (once: the cap
/// event remembers it) and a `usage.throttle_lifted` event. A subscription already
/// terminated gets no job.
pub fn lift_throttles(conn: &mut PgConnection, now: DateTime<Utc>) -> ApiResult<usize> {
    let lifted: Vec<Lifted> = diesel::sql_query(
        "WITH due AS (
             SELECT e.subscription_id, e.customer_id, e.period_start
               FROM usage_cap_events e
               JOIN subscriptions s ON s.id = e.subscription_id
              WHERE e.action = 'throttle' AND e.unthrottle_job_id IS NULL
                AND s.status <> 'terminated'
                AND usage_period_end(e.period_start, s.billing_anchor_day)
                    <= ($1 AT TIME ZONE 'UTC')::DATE
              FOR UPDATE OF e
         ), jobs AS (
             INSERT INTO provisioning_jobs (subscription_id, action, status, payload, max_attempts,
                                            next_attempt_at, created_by, created_at, updated_at)
             SELECT subscription_id, 'unthrottle', 'pending',
                    jsonb_build_object('period_start', period_start::TEXT, 'reason', 'period_ended'),
                    8, $1, 'usage', $1, $1
               FROM due
             RETURNING id, subscription_id, (payload ->> 'period_start')::DATE AS period_start
         )
         UPDATE usage_cap_events e
            SET unthrottle_job_id = jobs.id
           FROM jobs
          WHERE e.subscription_id = jobs.subscription_id AND e.period_start = jobs.period_start
         RETURNING e.subscription_id, e.customer_id, e.period_start, jobs.id AS job_id",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)?;
    for lift in &lifted {
        audit::record_as(
            conn,
            &Actor::System,
            None,
            now,
            Change {
                action: "usage.throttle_lifted",
                entity_type: "subscription",
                entity_id: lift.subscription_id.to_string(),
                before: None,
                after: Some(json!({
                    "subscription_id": lift.subscription_id,
                    "period_start": lift.period_start.to_string(),
                    "provisioning_job_id": lift.job_id,
                })),
                customer_id: Some(lift.customer_id),
            },
        )?;
    }
    Ok(lifted.len())
}

/// One record of a batch, checked by the route.
#[derive(Debug, Clone)]
pub struct NewUsageRecord {
    pub external_id: String,
    pub subscription_id: Option<i64>,
    pub username: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub input_octets: i64,
    pub output_octets: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingested {
    /// Records written now.
    pub accepted: i64,
    /// Records whose id this caller had sent before (ignored).
    pub duplicates: i64,
}

#[derive(QueryableByName)]
struct IngestRow {
    #[diesel(sql_type = Nullable<Array<BigInt>>)]
    unknown: Option<Vec<i64>>,
    #[diesel(sql_type = BigInt)]
    accepted: i64,
    #[diesel(sql_type = Nullable<Array<BigInt>>)]
    touched: Option<Vec<i64>>,
}

/// Writes a batch in one transaction and one statement: each record's subscription is
/// resolved (by id or username), and unless one is unknown — then nothing is written and
/// the answer names each unknown record's index — every record is inserted, those this
/// caller sent before (same `source_key` and id) skipped. Caps of the subscriptions touched
/// are then checked.
pub fn ingest(
    conn: &mut PgConnection,
    source_key: &str,
    records: &[NewUsageRecord],
    now: DateTime<Utc>,
    cap_action: CapAction,
) -> ApiResult<Ingested> {
    let ids: Vec<&str> = records.iter().map(|r| r.external_id.as_str()).collect();
    let subs: Vec<Option<i64>> = records.iter().map(|r| r.subscription_id).collect();
    let names: Vec<Option<&str>> = records.iter().map(|r| r.username.as_deref()).collect();
    let at: Vec<DateTime<Utc>> = records.iter().map(|r| r.occurred_at).collect();
    let input: Vec<i64> = records.iter().map(|r| r.input_octets).collect();
    let output: Vec<i64> = records.iter().map(|r| r.output_octets).collect();
    // The period start for every day the batch's records fall on, for each anchor day.
    let mut days: Vec<NaiveDate> = records.iter().map(|r| r.occurred_at.date_naive()).collect();
    days.sort_unstable();
    days.dedup();
    let mut period_days = Vec::with_capacity(days.len() * 31);
    let mut period_anchors = Vec::with_capacity(days.len() * 31);
    let mut period_starts = Vec::with_capacity(days.len() * 31);
    for anchor in 1..=31 {
        let anchor_day =
            AnchorDay::parse(anchor).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
        for &day in &days {
            period_days.push(day);
            period_anchors.push(anchor);
            period_starts.push(Period::containing(day, anchor_day).start);
        }
    }
    conn.transaction(|conn| {
        // A batch is a thousand index probes: compiling the plan (JIT) would cost more than
        // running it.
        diesel::sql_query("SET LOCAL jit = off").execute(conn)?;
        let row: IngestRow = diesel::sql_query(
            "WITH input AS (
                 SELECT *
                   FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TIMESTAMPTZ[],
                               $5::BIGINT[], $6::BIGINT[])
                        WITH ORDINALITY AS u(external_id, subscription_id, username,
                                             occurred_at, input_octets, output_octets, idx)
             ),
             -- Each record names its subscription by id or by username (the route allows
             -- exactly one): two joins on unique keys, a probe each.
             resolved AS (
                 SELECT u.*, COALESCE(s1.id, s2.id) AS sid,
                        COALESCE(s1.customer_id, s2.customer_id) AS cid,
                        COALESCE(s1.billing_anchor_day, s2.billing_anchor_day) AS anchor,
                        COALESCE(s1.product_version_id, s2.product_version_id) AS pvid
                   FROM input u
                   -- LIMIT keeps each an index probe per record: flattened into a plain
                   -- join, the planner hashes all subscriptions (100 ms) for 1,000 probes.
                   LEFT JOIN LATERAL (SELECT id, customer_id, billing_anchor_day,
                                             product_version_id
                                        FROM subscriptions WHERE id = u.subscription_id
                                       LIMIT 1) s1 ON true
                   LEFT JOIN LATERAL (SELECT id, customer_id, billing_anchor_day,
                                             product_version_id
                                        FROM subscriptions WHERE username = u.username
                                       LIMIT 1) s2 ON true
             ),
             inserted AS (
                 INSERT INTO usage_records (customer_id, subscription_id, source, source_key,
                                            external_id, occurred_at, input_octets,
                                            output_octets, created_at)
                 SELECT cid, sid, 'api', $7, external_id, occurred_at, input_octets,
                        output_octets, $8
                   FROM resolved
                  WHERE NOT EXISTS (SELECT 1 FROM resolved WHERE sid IS NULL)
                 ON CONFLICT (source_key, external_id) WHERE source = 'api' DO NOTHING
                 RETURNING subscription_id, occurred_at, input_octets, output_octets
             ),
             -- The running totals, from the records inserted (not the duplicates), as in
             -- the poller's pass: per subscription and day, then one upsert per subscription
             -- and period in key order. The period of each (day, anchor) comes computed
             -- (calling the SQL period function costs ~0.2 ms per pair, a batch's budget).
             by_day AS (
                 SELECT i.subscription_id, a.anchor,
                        (i.occurred_at AT TIME ZONE 'UTC')::DATE AS day,
                        sum(i.input_octets) + sum(i.output_octets) AS octets
                   FROM inserted i
                   JOIN (SELECT DISTINCT sid, anchor FROM resolved) a ON a.sid = i.subscription_id
                  GROUP BY 1, 2, 3
             ),
             periods AS (
                 SELECT * FROM unnest($9::DATE[], $10::INTEGER[], $11::DATE[])
                          AS p(day, anchor, period_start)
             ),
             totals AS (
                 INSERT INTO usage_period_totals AS t (subscription_id, period_start, octets)
                 SELECT b.subscription_id, p.period_start, LEAST(sum(b.octets), 9223372036854775807)::BIGINT
                   FROM by_day b JOIN periods p USING (anchor, day)
                  GROUP BY 1, 2
                  ORDER BY 1, 2
                 ON CONFLICT (subscription_id, period_start)
                    DO UPDATE SET octets = LEAST(t.octets::NUMERIC + EXCLUDED.octets, 9223372036854775807)::BIGINT
                 RETURNING subscription_id, period_start, octets
             )
             SELECT (SELECT array_agg(idx - 1 ORDER BY idx) FROM resolved WHERE sid IS NULL) AS unknown,
                    (SELECT count(*) FROM inserted) AS accepted,
                    -- What the cap check needs to look at (as in the poller's pass).
                    (SELECT array_agg(DISTINCT t.subscription_id)
                       FROM totals t
                       JOIN (SELECT DISTINCT sid, anchor, pvid FROM resolved) r
                         ON r.sid = t.subscription_id
                       JOIN product_versions pv ON pv.id = r.pvid
                      WHERE pv.data_cap_gb IS NOT NULL
                        AND (t.period_start <> ($12::DATE[])[r.anchor]
                             OR t.octets >= pv.data_cap_gb::BIGINT * 1000000000)) AS touched",
        )
        .bind::<Array<Text>, _>(&ids)
        .bind::<Array<Nullable<BigInt>>, _>(&subs)
        .bind::<Array<Nullable<Text>>, _>(&names)
        .bind::<Array<Timestamptz>, _>(&at)
        .bind::<Array<BigInt>, _>(&input)
        .bind::<Array<BigInt>, _>(&output)
        .bind::<Text, _>(source_key)
        .bind::<Timestamptz, _>(now)
        .bind::<Array<Date>, _>(&period_days)
        .bind::<Array<Integer>, _>(&period_anchors)
        .bind::<Array<Date>, _>(&period_starts)
        .bind::<Array<Date>, _>(&current_period_starts(now)?)
        .get_result(conn)?;
        if let Some(unknown) = row.unknown.filter(|u| !u.is_empty()) {
            let errors = unknown
                .into_iter()
                .map(|i| {
                    let record = &records[i as usize];
                    if record.subscription_id.is_some() {
                        FieldError::new(
                            format!("records[{i}].subscription_id"),
                            "unknown_subscription",
                            "no subscription has this id",
                        )
                    } else {
                        FieldError::new(
                            format!("records[{i}].username"),
                            "unknown_username",
                            "no subscription has this username",
                        )
                    }
                })
                .collect();
            return Err(ApiError::validation(errors));
        }
        check_caps(conn, &row.touched.unwrap_or_default(), now, cap_action)?;
        Ok(Ingested {
            accepted: row.accepted,
            duplicates: records.len() as i64 - row.accepted,
        })
    })
}

/// A subscription's usage in one period.
#[derive(Debug, Clone)]
pub struct PeriodUsage {
    pub subscription_id: i64,
    pub customer_id: i64,
    pub period: Period,
    pub input_octets: i64,
    pub output_octets: i64,
    pub cap_octets: Option<i64>,
    pub cap_reached_at: Option<DateTime<Utc>>,
    /// Every day of the period, with zeros where nothing was used.
    pub days: Vec<DayUsage>,
}

#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct DayUsage {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub input_octets: i64,
    #[diesel(sql_type = BigInt)]
    pub output_octets: i64,
}

#[derive(QueryableByName)]
struct SubscriptionCap {
    #[diesel(sql_type = BigInt)]
    customer_id: i64,
    #[diesel(sql_type = Integer)]
    billing_anchor_day: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    data_cap_gb: Option<i32>,
}

#[derive(QueryableByName)]
struct ReachedAt {
    #[diesel(sql_type = Timestamptz)]
    reached_at: DateTime<Utc>,
}

/// Usage of a subscription in the period starting on `period_start` (default: the period
/// containing `now`). 404 for an unknown subscription, 422 when `period_start` is not one
/// of its period starts.
pub fn period_usage(
    conn: &mut PgConnection,
    subscription_id: i64,
    period_start: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> ApiResult<PeriodUsage> {
    let sub: SubscriptionCap = diesel::sql_query(
        "SELECT s.customer_id, s.billing_anchor_day, pv.data_cap_gb
           FROM subscriptions s JOIN product_versions pv ON pv.id = s.product_version_id
          WHERE s.id = $1",
    )
    .bind::<BigInt, _>(subscription_id)
    .get_result(conn)
    .optional()?
    .ok_or_else(|| ApiError::not_found("subscription"))?;
    let anchor = AnchorDay::parse(sub.billing_anchor_day)
        .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    let period = match period_start {
        None => Period::containing(now.date_naive(), anchor),
        Some(start) => Period::starting(start, anchor).ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "period_start",
                "not_a_period_start",
                format!(
                    "periods of this subscription start on day {} of the month (or the month's last day)",
                    anchor.get()
                ),
            )])
        })?,
    };
    let used: Vec<DayUsage> = diesel::sql_query(
        "SELECT (occurred_at AT TIME ZONE 'UTC')::DATE AS day,
                sum(input_octets)::BIGINT AS input_octets,
                sum(output_octets)::BIGINT AS output_octets
           FROM usage_records
          WHERE subscription_id = $1 AND occurred_at >= $2 AND occurred_at < $3
          GROUP BY 1 ORDER BY 1",
    )
    .bind::<BigInt, _>(subscription_id)
    .bind::<Timestamptz, _>(period.start_at())
    .bind::<Timestamptz, _>(period.end_at())
    .load(conn)?;
    let reached: Option<ReachedAt> = diesel::sql_query(
        "SELECT reached_at FROM usage_cap_events WHERE subscription_id = $1 AND period_start = $2",
    )
    .bind::<BigInt, _>(subscription_id)
    .bind::<Date, _>(period.start)
    .get_result(conn)
    .optional()?;
    let mut by_day = used.into_iter().peekable();
    let days: Vec<DayUsage> = period
        .days()
        .map(|day| match by_day.next_if(|d| d.day == day) {
            Some(d) => d,
            None => DayUsage {
                day,
                input_octets: 0,
                output_octets: 0,
            },
        })
        .collect();
    Ok(PeriodUsage {
        subscription_id,
        customer_id: sub.customer_id,
        period,
        input_octets: days.iter().map(|d| d.input_octets).sum(),
        output_octets: days.iter().map(|d| d.output_octets).sum(),
        cap_octets: sub.data_cap_gb.map(cap_octets),
        cap_reached_at: reached.map(|r| r.reached_at),
        days,
    })
}

/// Usage of a username no subscription carries, summed.
#[derive(Debug, Clone, QueryableByName)]
pub struct UnmatchedUsername {
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = BigInt)]
    pub sessions: i64,
    #[diesel(sql_type = BigInt)]
    pub input_octets: i64,
    #[diesel(sql_type = BigInt)]
    pub output_octets: i64,
    #[diesel(sql_type = Timestamptz)]
    pub first_seen_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub last_seen_at: DateTime<Utc>,
}

/// Unmatched usage by username, in username order, after `after`; `limit + 1` rows.
pub fn list_unmatched(
    conn: &mut PgConnection,
    after: Option<&str>,
    limit: i64,
) -> ApiResult<Vec<UnmatchedUsername>> {
    Ok(diesel::sql_query(
        "SELECT username, count(DISTINCT acctuniqueid) AS sessions,
                sum(input_octets)::BIGINT AS input_octets,
                sum(output_octets)::BIGINT AS output_octets,
                min(occurred_at) AS first_seen_at, max(occurred_at) AS last_seen_at
           FROM usage_unmatched
          WHERE $1::TEXT IS NULL OR username > $1
          GROUP BY username ORDER BY username LIMIT $2",
    )
    .bind::<Nullable<Text>, _>(after)
    .bind::<BigInt, _>(limit + 1)
    .load(conn)?)
}

/// The poller's watermark: the latest accounting update time it has read.
pub fn poller_watermark(conn: &mut PgConnection) -> ApiResult<Option<DateTime<Utc>>> {
    let row: Watermark = diesel::sql_query("SELECT watermark FROM usage_poller_state WHERE id = 1")
        .get_result(conn)?;
    Ok(row.watermark)
}
