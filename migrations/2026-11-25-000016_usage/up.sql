-- Usage: bytes a subscription moved, from FreeRADIUS accounting (`radius.radacct`, read by
-- the poller) and from other mediation systems (`POST /api/v1/usage-records`).
--
-- The rules (docs/USAGE.md has the long form):
-- * radacct holds running 64-bit totals per session (acctuniqueid), overwritten by every
--   Interim-Update and by the Stop. The poller remembers the last totals it saw per session
--   (usage_radius_sessions) and records the difference as a usage record.
-- * A total lower than the one last seen is a counter reset (a NAS without Gigawords wrapping
--   at 2^32, a NAS restarted mid-session): the new total is the usage since the reset, so it
--   is recorded as the delta from zero and the record is marked counter_reset. Usage is never
--   negative.
-- * A username no subscription carries: the deltas go to usage_unmatched (staff see them
--   through GET /api/v1/usage/unmatched), never billed; its counters are tracked like any
--   other session, so nothing is counted twice if it is read again.
-- * A usage record is dated when it was observed (acctstoptime, else acctupdatetime): a
--   session that spans two billing periods gives each period what was reported within it.
-- * Periods: a subscription's period starts on its billing_anchor_day (clamped to the last
--   day of shorter months) at 00:00 UTC and ends where the next one starts.

-- No foreign keys, on purpose: this is the one table written at mediation rates (a poller
-- pass writes a row per changed session, a batch a row per record), and each foreign-key
-- trigger costs about 5 µs a row here (10 s per million rows for the two). Both writers take
-- subscription_id and customer_id from the subscriptions row itself in the same statement,
-- and subscriptions are never deleted (they end as `terminated`).
CREATE TABLE usage_records (
    id              BIGSERIAL PRIMARY KEY,
    customer_id     BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('radius', 'api')),
    -- Who sent it: `radius`, or the caller (`api_client:7`, `user:1`); with external_id the
    -- caller's idempotency key. Both are identifiers, compared bytewise (COLLATE "C"): the
    -- key index's comparisons then skip the locale (strcoll made its probes and inserts
    -- about twice as costly; equality is the same either way).
    source_key      TEXT COLLATE "C" NOT NULL,
    -- api: the caller's record id.
    external_id     TEXT COLLATE "C" CHECK (length(external_id) BETWEEN 1 AND 200),
    occurred_at     TIMESTAMPTZ NOT NULL,
    -- Input is the subscriber's upload, output their download (the NAS's point of view).
    input_octets    BIGINT NOT NULL CHECK (input_octets >= 0),
    output_octets   BIGINT NOT NULL CHECK (output_octets >= 0),
    -- radius: the session's acctuniqueid, and which of its deltas this is (1, 2, …).
    session_id      TEXT,
    session_delta   INTEGER,
    counter_reset   BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL,
    CHECK ((source = 'api') = (external_id IS NOT NULL)),
    CHECK ((source = 'radius') = (session_id IS NOT NULL AND session_delta IS NOT NULL))
);
-- Idempotency of API records by the caller's id. Radius records are made exactly once by
-- the poller's last-seen counters under its lock, so they skip this index's cost.
CREATE UNIQUE INDEX usage_records_api_key_idx ON usage_records (source_key, external_id)
    WHERE source = 'api';
-- Usage of a subscription in a period (sums are index-only). A customer's usage is read
-- through their subscriptions.
CREATE INDEX usage_records_subscription_idx ON usage_records (subscription_id, occurred_at)
    INCLUDE (input_octets, output_octets);

-- The last totals the poller saw per accounting session. Every Interim rewrites the row, so
-- it is kept HOT: no index on an updated column, and fillfactor 50 leaves room on each page
-- for a new version of every row on it (at 70 only part of a page's rows could be updated in
-- place in one pass; the rest moved to other pages with a new index entry each).
CREATE TABLE usage_radius_sessions (
    acctuniqueid    TEXT PRIMARY KEY,
    username        TEXT NOT NULL,
    input_octets    BIGINT NOT NULL CHECK (input_octets >= 0),
    output_octets   BIGINT NOT NULL CHECK (output_octets >= 0),
    -- How many deltas were recorded (numbers the radius records' session_delta).
    deltas          INTEGER NOT NULL DEFAULT 0,
    last_observed_at TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 50);

-- Usage per subscription and billing period (input + output octets), kept by both writers
-- in the same statement as their records, from the records they actually inserted: the cap
-- check reads one row per subscription instead of summing its records. It always equals
-- the sum of the subscription's usage_records in the period (usage_records are never
-- updated or deleted). Writers upsert in key order, so two writers never deadlock on it.
CREATE TABLE usage_period_totals (
    subscription_id BIGINT NOT NULL,
    period_start    DATE NOT NULL,
    octets          BIGINT NOT NULL CHECK (octets >= 0),
    PRIMARY KEY (subscription_id, period_start)
) WITH (fillfactor = 50);

-- Accounting for usernames no subscription carries: visible to staff, never billed.
CREATE TABLE usage_unmatched (
    id              BIGSERIAL PRIMARY KEY,
    username        TEXT NOT NULL,
    acctuniqueid    TEXT NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    input_octets    BIGINT NOT NULL CHECK (input_octets >= 0),
    output_octets   BIGINT NOT NULL CHECK (output_octets >= 0),
    counter_reset   BOOLEAN NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX usage_unmatched_username_idx ON usage_unmatched (username);

-- The poller's watermark: the latest acctupdatetime it has read. Each pass re-reads an
-- overlap window before it, so rows committed late (FreeRADIUS writes the NAS's
-- Event-Timestamp, not the commit time) are still seen; last-seen counters make a re-read
-- harmless. One row; a pass locks it, so two API processes never poll at once.
CREATE TABLE usage_poller_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    watermark       TIMESTAMPTZ,
    last_pass_at    TIMESTAMPTZ,
    last_pass_rows  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO usage_poller_state (id) VALUES (1);

-- A data cap reached, once per subscription and period (the key enforces it).
CREATE TABLE usage_cap_events (
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    period_start    DATE NOT NULL,
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    used_octets     BIGINT NOT NULL,
    cap_octets      BIGINT NOT NULL,
    -- What was done: `notify` (timeline event) or `throttle` (and a provisioning job).
    action          TEXT NOT NULL CHECK (action IN ('notify', 'throttle')),
    provisioning_job_id BIGINT REFERENCES provisioning_jobs (id),
    reached_at      TIMESTAMPTZ NOT NULL,
    -- A throttle is lifted (an `unthrottle` job) once the period is over.
    unthrottle_job_id BIGINT REFERENCES provisioning_jobs (id),
    PRIMARY KEY (subscription_id, period_start)
);
CREATE INDEX usage_cap_events_customer_idx ON usage_cap_events (customer_id);
CREATE INDEX usage_cap_events_job_idx ON usage_cap_events (provisioning_job_id);
CREATE INDEX usage_cap_events_unthrottle_job_idx ON usage_cap_events (unthrottle_job_id);
-- Throttles still to lift.
CREATE INDEX usage_cap_events_throttled_idx ON usage_cap_events (period_start)
    WHERE action = 'throttle' AND unthrottle_job_id IS NULL;

-- The poller reads rows changed since its watermark.
CREATE INDEX radacct_acctupdatetime_idx ON radius.radacct (acctupdatetime);

-- The period rule in SQL (the same as domain::usage::period_start, and tested against it):
-- the latest anchor date on or before `day`, where a month's anchor date is its
-- `anchor`-th day, or its last day when it is shorter.
CREATE FUNCTION usage_anchor_date(y INTEGER, m INTEGER, anchor INTEGER) RETURNS DATE
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT make_date(y, m, 1)
         + (LEAST(anchor, EXTRACT(DAY FROM make_date(y, m, 1) + INTERVAL '1 month' - INTERVAL '1 day')::INTEGER) - 1)
$$;

CREATE FUNCTION usage_period_start(day DATE, anchor INTEGER) RETURNS DATE
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN day >= usage_anchor_date(EXTRACT(YEAR FROM day)::INTEGER, EXTRACT(MONTH FROM day)::INTEGER, anchor)
        THEN usage_anchor_date(EXTRACT(YEAR FROM day)::INTEGER, EXTRACT(MONTH FROM day)::INTEGER, anchor)
        ELSE usage_anchor_date(EXTRACT(YEAR FROM prev)::INTEGER, EXTRACT(MONTH FROM prev)::INTEGER, anchor)
    END
    FROM (SELECT (day - INTERVAL '1 month')::DATE AS prev) p
$$;

-- Where the period starting on `start` ends: the next month's anchor date.
CREATE FUNCTION usage_period_end(start DATE, anchor INTEGER) RETURNS DATE
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT usage_anchor_date(EXTRACT(YEAR FROM next)::INTEGER, EXTRACT(MONTH FROM next)::INTEGER, anchor)
    FROM (SELECT (make_date(EXTRACT(YEAR FROM start)::INTEGER, EXTRACT(MONTH FROM start)::INTEGER, 1) + INTERVAL '1 month')::DATE AS next) n
$$;
