-- Idempotency-Key: the first response to a (caller, key) pair is kept for 24 hours and
-- replayed for retries with the same request; the same key with another request is refused.
CREATE TABLE idempotency_keys (
    id                BIGSERIAL PRIMARY KEY,
    principal         TEXT NOT NULL,
    idempotency_key   TEXT NOT NULL,
    method            TEXT NOT NULL,
    path              TEXT NOT NULL,
    request_digest    BYTEA NOT NULL,
    -- NULL while the first request is still being handled.
    response_status   SMALLINT,
    response_headers  JSONB,
    response_body     BYTEA,
    created_at        TIMESTAMPTZ NOT NULL,
    completed_at      TIMESTAMPTZ,
    UNIQUE (principal, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
