DROP FUNCTION usage_period_end(DATE, INTEGER);
DROP FUNCTION usage_period_start(DATE, INTEGER);
DROP FUNCTION usage_anchor_date(INTEGER, INTEGER, INTEGER);
DROP INDEX radius.radacct_acctupdatetime_idx;
DROP TABLE usage_cap_events;
DROP TABLE usage_poller_state;
DROP TABLE usage_unmatched;
DROP TABLE usage_radius_sessions;
DROP TABLE usage_records;
