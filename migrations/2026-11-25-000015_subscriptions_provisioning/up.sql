-- Provisioning: an approved order's plan and add-on lines become subscriptions; every change
-- to a subscription's network state is a provisioning job that a worker carries out against
-- FreeRADIUS (rows in schema `radius`, Disconnect/CoA to the NAS).

-- Address pools the ISP hands static IPs from (a plan or add-on product names its pool).
CREATE TABLE ip_pools (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    network         CIDR NOT NULL,
    -- The first and last host address that may be handed out (e.g. skipping the gateway).
    first_address   INET NOT NULL,
    last_address    INET NOT NULL,
    description     TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (family(network) = 4),
    CHECK (first_address <= last_address),
    CHECK (first_address << network OR first_address = host(network)::inet),
    CHECK (last_address << network),
    CHECK (last_address - first_address < 1048576)
);

ALTER TABLE products ADD COLUMN ip_pool_id BIGINT REFERENCES ip_pools (id);
CREATE INDEX products_ip_pool_idx ON products (ip_pool_id);

CREATE TABLE subscriptions (
    id                      BIGSERIAL PRIMARY KEY,
    customer_id             BIGINT NOT NULL REFERENCES customers (id),
    order_id                BIGINT NOT NULL REFERENCES orders (id),
    -- The order line it came from: one subscription per plan or add-on line.
    order_line_id           BIGINT NOT NULL UNIQUE REFERENCES order_lines (id),
    kind                    TEXT NOT NULL CHECK (kind IN ('plan', 'addon')),
    -- An add-on rides on a plan subscription of the same customer.
    parent_id               BIGINT REFERENCES subscriptions (id),
    product_id              BIGINT NOT NULL REFERENCES products (id),
    product_version_id      BIGINT NOT NULL REFERENCES product_versions (id),
    status                  TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'active', 'suspended', 'terminated')),
    quantity                INTEGER NOT NULL CHECK (quantity > 0),
    currency                CHAR(3) NOT NULL,
    -- The monthly price as agreed (the order line's, or the new plan's after a change);
    -- the promotion's frozen terms stay on the order line.
    unit_monthly            NUMERIC(14, 4) NOT NULL CHECK (unit_monthly >= 0),
    discount_monthly        NUMERIC(14, 4) NOT NULL DEFAULT 0 CHECK (discount_monthly >= 0),
    -- When it went live, when it ended; the contract's last day; the day of month the
    -- billing period starts on (1–28 calendar, 1–31 anniversary).
    started_at              TIMESTAMPTZ,
    ended_at                TIMESTAMPTZ,
    contract_end_on         DATE,
    billing_anchor_day      INTEGER NOT NULL CHECK (billing_anchor_day BETWEEN 1 AND 31),
    -- Network identity (plans only): PPPoE/hotspot username and generated password, the
    -- RADIUS group of the plan version, an optional static address.
    username                TEXT UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
    password                TEXT,
    radius_group            TEXT,
    static_ip               INET UNIQUE,
    ip_pool_id              BIGINT REFERENCES ip_pools (id),
    service_address_id      BIGINT REFERENCES customer_addresses (id) ON DELETE SET NULL,
    suspend_reason          TEXT CHECK (suspend_reason IN ('non_payment', 'customer_request', 'fraud')),
    suspended_at            TIMESTAMPTZ,
    -- A downgrade waiting for the next billing period.
    pending_version_id      BIGINT REFERENCES product_versions (id),
    pending_change_on       DATE,
    termination_reason      TEXT,
    early_termination_fee   NUMERIC(14, 4),
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'plan') = (username IS NOT NULL)),
    CHECK ((username IS NULL) = (password IS NULL)),
    CHECK ((status = 'suspended') = (suspend_reason IS NOT NULL)),
    CHECK ((pending_version_id IS NULL) = (pending_change_on IS NULL)),
    CHECK (status <> 'terminated' OR ended_at IS NOT NULL)
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id);
CREATE INDEX subscriptions_order_idx ON subscriptions (order_id);
CREATE INDEX subscriptions_parent_idx ON subscriptions (parent_id);
CREATE INDEX subscriptions_version_idx ON subscriptions (product_version_id);
CREATE INDEX subscriptions_product_idx ON subscriptions (product_id);
CREATE INDEX subscriptions_pending_version_idx ON subscriptions (pending_version_id) WHERE pending_version_id IS NOT NULL;
CREATE INDEX subscriptions_ip_pool_idx ON subscriptions (ip_pool_id);
CREATE INDEX subscriptions_service_address_idx ON subscriptions (service_address_id);
CREATE INDEX subscriptions_status_idx ON subscriptions (status);

-- Order lines that change or remove a subscription point at it.
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_subscription_fk FOREIGN KEY (subscription_id) REFERENCES subscriptions (id);
CREATE INDEX order_lines_subscription_idx ON order_lines (subscription_id);

CREATE TABLE provisioning_jobs (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    action          TEXT NOT NULL CHECK (action IN ('activate', 'change_plan', 'suspend', 'restore', 'terminate', 'throttle', 'unthrottle')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
    -- What the job needs beyond the subscription row (e.g. the overlay it adds).
    payload         JSONB NOT NULL DEFAULT '{}',
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL CHECK (max_attempts > 0),
    next_attempt_at TIMESTAMPTZ NOT NULL,
    -- A running job's lease: past it, another worker may take the job over.
    locked_until    TIMESTAMPTZ,
    last_error      TEXT,
    -- One entry per attempt and per NAS answer: [{at, attempt, message}].
    log             JSONB NOT NULL DEFAULT '[]',
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    CHECK ((status = 'running') = (locked_until IS NOT NULL))
);
CREATE INDEX provisioning_jobs_subscription_idx ON provisioning_jobs (subscription_id, id);
-- What workers look for: jobs that are due, or running with an expired lease.
CREATE INDEX provisioning_jobs_due_idx ON provisioning_jobs (next_attempt_at, id) WHERE status IN ('pending', 'running');
CREATE INDEX provisioning_jobs_failed_idx ON provisioning_jobs (updated_at) WHERE status = 'failed';

-- FreeRADIUS looks users up by name on every request; so do we.
CREATE INDEX radusergroup_username_priority_idx ON radius.radusergroup (username, priority);
CREATE INDEX radacct_open_user_idx ON radius.radacct (username) WHERE acctstoptime IS NULL;
