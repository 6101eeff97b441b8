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
    plans (id) {
        id -> Int8,
        code -> Text,
        name -> Text,
        kind -> Text,
        download_mbps -> Nullable<Int4>,
        upload_mbps -> Nullable<Int4>,
        monthly_price -> Numeric,
        currency -> Bpchar,
        active -> Bool,
        created_at -> Timestamptz,
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

diesel::joinable!(api_clients -> users (created_by));
diesel::joinable!(customers -> customer_classes (class_id));
diesel::joinable!(events -> customers (customer_id));
diesel::joinable!(refresh_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_log,
    customer_classes,
    customers,
    events,
    idempotency_keys,
    login_failures,
    plans,
    refresh_tokens,
    users,
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
