-- Foundation: staff users and their sessions, API clients, login throttling,
-- the event stream, the audit log, and the first catalog and customer tables.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id              BIGSERIAL PRIMARY KEY,
    email           TEXT NOT NULL CHECK (email = lower(email) AND email <> ''),
    name            TEXT NOT NULL CHECK (name <> ''),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'finance', 'viewer')),
    password_hash   TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    last_login_at   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Refresh tokens rotate on every use. Tokens of one login share a family; presenting a
-- token that was already rotated revokes the whole family (it was stolen or replayed).
CREATE TABLE refresh_tokens (
    id              BIGSERIAL PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id       UUID NOT NULL,
    token_digest    BYTEA NOT NULL UNIQUE,
    issued_at       TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE api_clients (
    id              BIGSERIAL PRIMARY KEY,
    client_id       TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL CHECK (name <> ''),
    secret_digest   BYTEA NOT NULL,
    scopes          TEXT[] NOT NULL DEFAULT '{}',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    last_used_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX api_clients_created_by_idx ON api_clients (created_by);

-- Failed logins, counted per account and per client address inside a sliding window.
CREATE TABLE login_failures (
    id              BIGSERIAL PRIMARY KEY,
    email           TEXT NOT NULL,
    address         TEXT NOT NULL,
    failed_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);

CREATE TABLE plans (
    id              BIGSERIAL PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('internet', 'voice', 'tv')),
    download_mbps   INTEGER CHECK (download_mbps > 0),
    upload_mbps     INTEGER CHECK (upload_mbps > 0),
    monthly_price   NUMERIC(14, 4) NOT NULL CHECK (monthly_price >= 0),
    currency        CHAR(3) NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE customers (
    id              BIGSERIAL PRIMARY KEY,
    account_number  TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('residential', 'business')),
    name            TEXT NOT NULL CHECK (name <> ''),
    company_name    TEXT,
    email           TEXT,
    phone           TEXT,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- What happened to which customer. The 360° timeline, outbound webhooks and reports read
-- this; it is appended to in the same transaction as the change it records.
CREATE TABLE events (
    id              BIGSERIAL PRIMARY KEY,
    event_type      TEXT NOT NULL,
    customer_id     BIGINT NOT NULL REFERENCES customers (id),
    entity_type     TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    payload         JSONB NOT NULL DEFAULT '{}',
    occurred_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_customer_idx ON events (customer_id, id);
CREATE INDEX events_type_idx ON events (event_type, id);

-- Who changed what, with the state before and after.
CREATE TABLE audit_log (
    id              BIGSERIAL PRIMARY KEY,
    actor           TEXT NOT NULL,
    actor_role      TEXT,
    action          TEXT NOT NULL,
    entity_type     TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    before          JSONB,
    after           JSONB,
    request_id      TEXT,
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
