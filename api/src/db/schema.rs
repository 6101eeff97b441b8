// The diesel schema, matching migrations/. Keep it in step with every migration.

diesel::table! {
    api_clients (id) {
        id -> Int8,
        client_id -> Text,
        name -> Text,
        secret_digest -> Bytea,
        scopes -> Array<Text>,
        active -> Bool,
        created_by -> Nullable<Int8>,
        last_used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        credentials_changed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        actor -> Text,
        actor_role -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        request_id -> Nullable<Text>,
        at -> Timestamptz,
    }
}

diesel::table! {
    customer_classes (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        currency -> Bpchar,
        credit_limit -> Numeric,
        approval_threshold -> Numeric,
        deposit_rule -> Text,
        deposit_amount -> Nullable<Numeric>,
        deposit_months -> Nullable<Int4>,
        payment_terms_days -> Int4,
        payment_methods -> Array<Text>,
        dunning_ladder -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        bill_customer_request_suspensions -> Bool,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        event_type -> Text,
        customer_id -> Int8,
        entity_type -> Text,
        entity_id -> Text,
        payload -> Jsonb,
        occurred_at -> Timestamptz,
        actor -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        email -> Text,
        address -> Text,
        failed_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        family_id -> Uuid,
        token_digest -> Bytea,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        credentials_changed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    customer_addresses (id) {
        id -> Int8,
        customer_id -> Int8,
        kind -> Text,
        line1 -> Text,
        line2 -> Nullable<Text>,
        city -> Text,
        region -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        country -> Bpchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customer_contacts (id) {
        id -> Int8,
        customer_id -> Int8,
        name -> Text,
        role -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    customers (id) {
        id -> Int8,
        account_number -> Text,
        kind -> Text,
        name -> Text,
        company_name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        class_id -> Int8,
        tax_id -> Nullable<Text>,
        billing_cycle -> Text,
        billing_day -> Nullable<Int4>,
        invoice_delivery -> Text,
        autopay -> Bool,
        currency -> Bpchar,
        tax_zone -> Text,
        tax_exempt -> Bool,
        tax_exemption_ref -> Nullable<Text>,
        version -> Int4,
    }
}

diesel::table! {
    interactions (id) {
        id -> Int8,
        customer_id -> Nullable<Int8>,
        lead_id -> Nullable<Int8>,
        channel -> Text,
        direction -> Text,
        summary -> Text,
        outcome -> Nullable<Text>,
        follow_up_on -> Nullable<Date>,
        agent_id -> Nullable<Int8>,
        occurred_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    leads (id) {
        id -> Int8,
        status -> Text,
        lost_reason -> Nullable<Text>,
        kind -> Text,
        name -> Text,
        company_name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        region -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        country -> Nullable<Bpchar>,
        source -> Text,
        interest_product_id -> Nullable<Int8>,
        owner_id -> Nullable<Int8>,
        serviceability_note -> Nullable<Text>,
        customer_id -> Nullable<Int8>,
        converted_at -> Nullable<Timestamptz>,
        merged_into_id -> Nullable<Int8>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        client_address -> Nullable<Text>,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Int8,
        customer_id -> Int8,
        kind -> Text,
        amount -> Numeric,
        currency -> Bpchar,
        due_on -> Nullable<Date>,
        reference_type -> Nullable<Text>,
        reference_id -> Nullable<Text>,
        description -> Nullable<Text>,
        occurred_at -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    order_lines (id) {
        id -> Int8,
        order_id -> Int8,
        customer_id -> Int8,
        position -> Int4,
        action -> Text,
        kind -> Text,
        product_version_id -> Nullable<Int8>,
        promotion_id -> Nullable<Int8>,
        subscription_id -> Nullable<Int8>,
        description -> Text,
        quantity -> Int4,
        unit_monthly -> Numeric,
        unit_one_time -> Numeric,
        discount_monthly -> Numeric,
        tax_rate -> Numeric,
        monthly_amount -> Numeric,
        monthly_tax -> Numeric,
        one_time_amount -> Numeric,
        one_time_tax -> Numeric,
        created_at -> Timestamptz,
        promotion_kind -> Nullable<Text>,
        promotion_value -> Nullable<Numeric>,
        promotion_cycles -> Nullable<Int4>,
    }
}

diesel::table! {
    orders (id) {
        id -> Int8,
        number -> Text,
        customer_id -> Int8,
        lead_id -> Nullable<Int8>,
        status -> Text,
        channel -> Text,
        currency -> Bpchar,
        notes -> Nullable<Text>,
        one_time_subtotal -> Numeric,
        one_time_tax -> Numeric,
        monthly_subtotal -> Numeric,
        monthly_tax -> Numeric,
        credit_check -> Nullable<Jsonb>,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<Int8>,
        decided_at -> Nullable<Timestamptz>,
        submitted_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        created_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    product_versions (id) {
        id -> Int8,
        product_id -> Int8,
        version -> Int4,
        currency -> Bpchar,
        monthly_price -> Numeric,
        one_time_price -> Numeric,
        download_mbps -> Nullable<Int4>,
        upload_mbps -> Nullable<Int4>,
        data_cap_gb -> Nullable<Int4>,
        overage_per_gb -> Nullable<Numeric>,
        contract_months -> Int4,
        early_termination_fee -> Numeric,
        apply_to_existing -> Bool,
        valid_from -> Timestamptz,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    products (id) {
        id -> Int8,
        code -> Text,
        kind -> Text,
        service -> Nullable<Text>,
        name -> Text,
        description -> Nullable<Text>,
        tax_category -> Text,
        radius_group -> Nullable<Text>,
        retired_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        ip_pool_id -> Nullable<Int8>,
    }
}

diesel::table! {
    promotion_products (promotion_id, product_id) {
        promotion_id -> Int8,
        product_id -> Int8,
    }
}

diesel::table! {
    promotions (id) {
        id -> Int8,
        code -> Nullable<Text>,
        name -> Text,
        kind -> Text,
        value -> Numeric,
        currency -> Nullable<Bpchar>,
        cycles -> Nullable<Int4>,
        valid_from -> Timestamptz,
        valid_to -> Nullable<Timestamptz>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    tax_rates (id) {
        id -> Int8,
        zone -> Text,
        category -> Text,
        name -> Text,
        rate -> Numeric,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        created_at -> Timestamptz,
        version -> Int4,
    }
}

// `tsv` (a generated tsvector) is left out: queries reach it through SQL.
diesel::table! {
    customer_search (customer_id) {
        customer_id -> Int8,
        keys -> Array<Text>,
        phones -> Text,
        document -> Text,
        names -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel::pg::sql_types::{Cidr, Inet};

    ip_pools (id) {
        id -> Int8,
        name -> Text,
        network -> Cidr,
        first_address -> Inet,
        last_address -> Inet,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel::pg::sql_types::Inet;

    subscriptions (id) {
        id -> Int8,
        customer_id -> Int8,
        order_id -> Int8,
        order_line_id -> Int8,
        kind -> Text,
        parent_id -> Nullable<Int8>,
        product_id -> Int8,
        product_version_id -> Int8,
        status -> Text,
        quantity -> Int4,
        currency -> Bpchar,
        unit_monthly -> Numeric,
        discount_monthly -> Numeric,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        contract_end_on -> Nullable<Date>,
        billing_anchor_day -> Int4,
        username -> Nullable<Text>,
        password -> Nullable<Text>,
        radius_group -> Nullable<Text>,
        static_ip -> Nullable<Inet>,
        ip_pool_id -> Nullable<Int8>,
        service_address_id -> Nullable<Int8>,
        suspend_reason -> Nullable<Text>,
        suspended_at -> Nullable<Timestamptz>,
        pending_version_id -> Nullable<Int8>,
        pending_change_on -> Nullable<Date>,
        termination_reason -> Nullable<Text>,
        early_termination_fee -> Nullable<Numeric>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    pending_charges (id) {
        id -> Int8,
        customer_id -> Int8,
        subscription_id -> Nullable<Int8>,
        kind -> Text,
        description -> Text,
        amount -> Numeric,
        currency -> Bpchar,
        charge_on -> Date,
        invoiced_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        period_start -> Nullable<Date>,
        period_end -> Nullable<Date>,
        tax_category -> Text,
        rule -> Nullable<Jsonb>,
        invoice_id -> Nullable<Int8>,
        tax_on -> Nullable<Date>,
    }
}

diesel::table! {
    subscription_billing (subscription_id) {
        subscription_id -> Int8,
        customer_id -> Int8,
        billed_through -> Nullable<Date>,
        usage_from -> Nullable<Date>,
        usage_due_on -> Nullable<Date>,
        promo_cycles_left -> Nullable<Int4>,
        billed_discount -> Numeric,
        paused -> Bool,
        usage_billed_octets -> Int8,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    number_series (series, year) {
        series -> Text,
        year -> Int4,
        last_number -> Int8,
    }
}

diesel::table! {
    bill_runs (id) {
        id -> Int8,
        run_on -> Date,
        mode -> Text,
        trigger -> Text,
        status -> Text,
        requested_by -> Text,
        subscriptions_total -> Int8,
        subscriptions_done -> Int8,
        customers_done -> Int8,
        invoices_created -> Int8,
        lines_created -> Int8,
        error_count -> Int8,
        totals -> Jsonb,
        sample -> Nullable<Jsonb>,
        cursor_customer -> Int8,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        drafts_issued_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    bill_run_errors (id) {
        id -> Int8,
        bill_run_id -> Int8,
        customer_id -> Int8,
        code -> Text,
        message -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    invoices (id) {
        id -> Int8,
        customer_id -> Int8,
        bill_run_id -> Nullable<Int8>,
        number -> Nullable<Text>,
        status -> Text,
        currency -> Bpchar,
        period_start -> Nullable<Date>,
        period_end -> Nullable<Date>,
        issue_date -> Nullable<Date>,
        due_date -> Nullable<Date>,
        subtotal -> Numeric,
        tax_total -> Numeric,
        total -> Numeric,
        amount_paid -> Numeric,
        amount_credited -> Numeric,
        void_reason -> Nullable<Text>,
        voided_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        issued_at -> Nullable<Timestamptz>,
        version -> Int4,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Int8,
        invoice_id -> Int8,
        customer_id -> Int8,
        subscription_id -> Nullable<Int8>,
        position -> Int4,
        kind -> Text,
        description -> Text,
        period_start -> Nullable<Date>,
        period_end -> Nullable<Date>,
        quantity -> Numeric,
        unit_price -> Numeric,
        amount -> Numeric,
        tax_rate -> Numeric,
        tax_name -> Text,
        tax_amount -> Numeric,
        rule -> Nullable<Jsonb>,
    }
}

diesel::table! {
    credit_notes (id) {
        id -> Int8,
        number -> Text,
        customer_id -> Int8,
        invoice_id -> Int8,
        reason -> Text,
        currency -> Bpchar,
        subtotal -> Numeric,
        tax_total -> Numeric,
        total -> Numeric,
        issue_date -> Date,
        created_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    credit_note_lines (id) {
        id -> Int8,
        credit_note_id -> Int8,
        invoice_line_id -> Nullable<Int8>,
        position -> Int4,
        description -> Text,
        amount -> Numeric,
        tax_rate -> Numeric,
        tax_name -> Text,
        tax_amount -> Numeric,
    }
}

diesel::table! {
    provisioning_jobs (id) {
        id -> Int8,
        subscription_id -> Int8,
        action -> Text,
        status -> Text,
        payload -> Jsonb,
        attempts -> Int4,
        max_attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        log -> Jsonb,
        created_by -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    radius.radcheck (id) {
        id -> Int4,
        username -> Text,
        attribute -> Text,
        op -> Varchar,
        value -> Text,
    }
}

diesel::table! {
    radius.radreply (id) {
        id -> Int4,
        username -> Text,
        attribute -> Text,
        op -> Varchar,
        value -> Text,
    }
}

diesel::table! {
    radius.radgroupcheck (id) {
        id -> Int4,
        groupname -> Text,
        attribute -> Text,
        op -> Varchar,
        value -> Text,
    }
}

diesel::table! {
    radius.radgroupreply (id) {
        id -> Int4,
        groupname -> Text,
        attribute -> Text,
        op -> Varchar,
        value -> Text,
    }
}

diesel::table! {
    radius.radusergroup (id) {
        id -> Int4,
        username -> Text,
        groupname -> Text,
        priority -> Int4,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use diesel::pg::sql_types::Inet;

    radius.radacct (radacctid) {
        radacctid -> Int8,
        acctsessionid -> Text,
        acctuniqueid -> Text,
        username -> Nullable<Text>,
        nasipaddress -> Inet,
        nasportid -> Nullable<Text>,
        acctstarttime -> Nullable<Timestamptz>,
        acctupdatetime -> Nullable<Timestamptz>,
        acctstoptime -> Nullable<Timestamptz>,
        acctsessiontime -> Nullable<Int8>,
        acctinputoctets -> Nullable<Int8>,
        acctoutputoctets -> Nullable<Int8>,
        callingstationid -> Nullable<Text>,
        acctterminatecause -> Nullable<Text>,
        framedipaddress -> Nullable<Inet>,
    }
}

diesel::joinable!(subscriptions -> customers (customer_id));
diesel::joinable!(subscriptions -> orders (order_id));
diesel::joinable!(subscriptions -> products (product_id));
diesel::joinable!(provisioning_jobs -> subscriptions (subscription_id));
diesel::joinable!(products -> ip_pools (ip_pool_id));

// FreeRADIUS's NAS table (schema `radius`); `type` is a Rust keyword, read as `kind`.
diesel::table! {
    radius.nas (id) {
        id -> Int4,
        nasname -> Text,
        shortname -> Text,
        #[sql_name = "type"]
        kind -> Text,
        ports -> Nullable<Int4>,
        secret -> Text,
        server -> Nullable<Text>,
        community -> Nullable<Text>,
        description -> Nullable<Text>,
        coa_port -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_clients -> users (created_by));
diesel::joinable!(customers -> customer_classes (class_id));
diesel::joinable!(events -> customers (customer_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(customer_addresses -> customers (customer_id));
diesel::joinable!(customer_contacts -> customers (customer_id));
diesel::joinable!(customer_search -> customers (customer_id));
diesel::joinable!(interactions -> customers (customer_id));
diesel::joinable!(interactions -> leads (lead_id));
diesel::joinable!(interactions -> users (agent_id));
diesel::joinable!(leads -> products (interest_product_id));
diesel::joinable!(leads -> users (owner_id));
diesel::joinable!(ledger_entries -> customers (customer_id));
diesel::joinable!(credit_note_lines -> credit_notes (credit_note_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_lines -> product_versions (product_version_id));
diesel::joinable!(order_lines -> promotions (promotion_id));
diesel::joinable!(orders -> customers (customer_id));
diesel::joinable!(orders -> leads (lead_id));
diesel::joinable!(product_versions -> products (product_id));
diesel::joinable!(promotion_products -> products (product_id));
diesel::joinable!(promotion_products -> promotions (promotion_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_log,
    customer_classes,
    customer_addresses,
    customer_contacts,
    customer_search,
    customers,
    events,
    idempotency_keys,
    interactions,
    leads,
    ledger_entries,
    login_failures,
    order_lines,
    orders,
    product_versions,
    products,
    promotion_products,
    promotions,
    refresh_tokens,
    tax_rates,
    users,
    subscriptions,
    provisioning_jobs,
    pending_charges,
    ip_pools,
    nas,
    radacct,
    radcheck,
    radreply,
    radusergroup,
    radgroupreply,
    radgroupcheck,
    subscription_billing,
    number_series,
    bill_runs,
    bill_run_errors,
    invoices,
    invoice_lines,
    credit_notes,
    credit_note_lines,
);

diesel::table! {
    idempotency_keys (id) {
        id -> Int8,
        principal -> Text,
        idempotency_key -> Text,
        method -> Text,
        path -> Text,
        request_digest -> Bytea,
        response_status -> Nullable<Int2>,
        response_headers -> Nullable<Jsonb>,
        response_body -> Nullable<Bytea>,
        created_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
    }
}
