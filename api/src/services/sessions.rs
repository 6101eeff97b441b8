//! Sessions: staff login (password → access + refresh token), refresh-token rotation with
//! reuse detection, logout, and the OAuth 2.0 client-credentials grant for API clients.
//!
//! Failed attempts are counted per account and per client address inside a sliding window
//! (`login_failures`); past the limit the caller gets 429 with `Retry-After`. A failure
//! says only "invalid credentials", whether or not the email exists, and an unknown email
//! costs the same argon2 time as a wrong password.

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use diesel::PgConnection;
use subtle::ConstantTimeEq;

use crate::auth::jwt::TokenSigner;
use crate::auth::password::{verify_against_dummy, verify_password};
use crate::auth::{policy, secrets, Principal, Role, Subject};
use crate::config::Config;
use crate::db::models::{ApiClientRow, NewRefreshTokenRow, RefreshTokenRow, UserRow};
use crate::db::schema::{api_clients, login_failures, refresh_tokens, users};
use crate::db::DbPool;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Actor, Change};
use crate::state::RequestContext;

/// What a successful login or refresh hands back.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_in: i64,
    pub user: UserRow,
}

#[derive(Debug)]
pub struct ClientToken {
    pub access_token: String,
    pub expires_in: i64,
    pub scopes: Vec<String>,
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("invalid_credentials", "the email or password is incorrect")
}

fn invalid_refresh_token() -> ApiError {
    ApiError::unauthorized(
        "invalid_refresh_token",
        "the refresh token is invalid, expired or revoked; log in again",
    )
}

/// Refuses with 429 when the account key or the address is over its limit.
fn check_rate_limit(
    conn: &mut PgConnection,
    config: &Config,
    account_key: &str,
    address: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let window = Duration::seconds(config.login_window_secs);
    let since = now - window;
    let by_account: (i64, Option<DateTime<Utc>>) = login_failures::table
        .filter(login_failures::email.eq(account_key))
        .filter(login_failures::failed_at.gt(since))
        .select((count_star(), min(login_failures::failed_at)))
        .first(conn)?;
    let by_address: (i64, Option<DateTime<Utc>>) = login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::failed_at.gt(since))
        .select((count_star(), min(login_failures::failed_at)))
        .first(conn)?;
    for ((count, oldest), max) in [
        (by_account, config.login_max_failures_per_account),
        (by_address, config.login_max_failures_per_address),
    ] {
        if count >= max {
            return Err(retry_after(oldest, window, now));
        }
    }
    Ok(())
}

fn retry_after(oldest: Option<DateTime<Utc>>, window: Duration, now: DateTime<Utc>) -> ApiError {
    let free_at = oldest.map_or(now + window, |t| t + window);
    ApiError::rate_limited((free_at - now).num_seconds())
}

/// Opens a login attempt: under per-account and per-address locks, refuses when either is
/// over its limit, then records the attempt as a failure up front. Concurrent attempts thus
/// count against each other (no burst slips past the limit); a success deletes the row.
/// Returns the attempt's id.
fn begin_attempt(
    conn: &mut PgConnection,
    config: &Config,
    account_key: &str,
    address: &str,
    now: DateTime<Utc>,
) -> ApiResult<i64> {
    // Always account first, then address: one lock order, so no deadlock.
    diesel::sql_query(
        "SELECT pg_advisory_xact_lock(hashtext($1)), pg_advisory_xact_lock(hashtext($2))",
    )
    .bind::<diesel::sql_types::Text, _>(format!("login:{account_key}"))
    .bind::<diesel::sql_types::Text, _>(format!("login-address:{address}"))
    .execute(conn)?;
    check_rate_limit(conn, config, account_key, address, now)?;
    // Rows that fell out of the window are no longer needed.
    let since = now - Duration::seconds(config.login_window_secs);
    diesel::delete(
        login_failures::table
            .filter(
                login_failures::email
                    .eq(account_key)
                    .or(login_failures::address.eq(address)),
            )
            .filter(login_failures::failed_at.le(since)),
    )
    .execute(conn)?;
    Ok(diesel::insert_into(login_failures::table)
        .values((
            login_failures::email.eq(account_key),
            login_failures::address.eq(address),
            login_failures::failed_at.eq(now),
        ))
        .returning(login_failures::id)
        .get_result(conn)?)
}

/// The key failures are counted under; bounded so a huge client id cannot bloat the table.
fn account_key(raw: &str) -> String {
    raw.trim().to_lowercase().chars().take(320).collect()
}

/// Password login. Takes the pool rather than a connection: argon2 runs between two short
/// transactions, so a burst of logins never holds database connections while hashing.
pub fn login(
    pool: &DbPool,
    ctx: &RequestContext,
    config: &Config,
    signer: &TokenSigner,
    email: &str,
    password: &str,
) -> ApiResult<IssuedTokens> {
    let email = account_key(email);
    let user = {
        let mut conn = pool.get()?;
        conn.transaction(|conn| {
            begin_attempt(conn, config, &email, &ctx.address, ctx.now)?;
            Ok::<_, ApiError>(
                users::table
                    .filter(users::email.eq(&email))
                    .select(UserRow::as_select())
                    .first(conn)
                    .optional()?,
            )
        })?
    };
    let verified = match &user {
        Some(u) => verify_password(password, &u.password_hash) && u.active,
        None => {
            verify_against_dummy(password);
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        tracing::info!(address = %ctx.address, "failed login");
        return Err(invalid_credentials());
    };
    let mut conn = pool.get()?;
    conn.transaction(|conn| {
        // Success clears the account's failures, this attempt's included.
        diesel::delete(login_failures::table.filter(login_failures::email.eq(&email)))
            .execute(conn)?;
        let user = diesel::update(users::table.find(user.id))
            .set(users::last_login_at.eq(ctx.now))
            .returning(UserRow::as_returning())
            .get_result(conn)?;
        let actor = Actor::Principal(principal_of(&user)?);
        audit::record_as(
            conn,
            &actor,
            ctx.request_id.as_deref(),
            ctx.now,
            Change {
                action: "session.created",
                entity_type: "user",
                entity_id: user.id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "address": ctx.address })),
                customer_id: None,
            },
        )?;
        issue_pair(conn, config, signer, user, uuid::Uuid::new_v4(), ctx.now)
    })
}

fn principal_of(user: &UserRow) -> ApiResult<Principal> {
    let role: Role = user.role.parse().map_err(|_| {
        ApiError::internal(anyhow::anyhow!(
            "user {} has unknown role {}",
            user.id,
            user.role
        ))
    })?;
    Ok(Principal {
        subject: Subject::User(user.id),
        role,
        scopes: vec![],
        issued_at: 0,
    })
}

fn issue_pair(
    conn: &mut PgConnection,
    config: &Config,
    signer: &TokenSigner,
    user: UserRow,
    family_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> ApiResult<IssuedTokens> {
    let refresh_token = secrets::generate("rt");
    diesel::insert_into(refresh_tokens::table)
        .values(NewRefreshTokenRow {
            user_id: user.id,
            family_id,
            token_digest: secrets::digest(&refresh_token),
            issued_at: now,
            expires_at: now + Duration::seconds(config.refresh_token_ttl_secs),
        })
        .execute(conn)?;
    let access_token = signer.issue(&principal_of(&user)?, now)?;
    Ok(IssuedTokens {
        access_token,
        expires_in: signer.ttl_secs,
        refresh_token,
        refresh_expires_in: config.refresh_token_ttl_secs,
        user,
    })
}

/// The session (family, user) a refresh token belongs to, read without locking.
fn find_session(conn: &mut PgConnection, digest: &[u8]) -> ApiResult<Option<(uuid::Uuid, i64)>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_digest.eq(digest))
        .select((refresh_tokens::family_id, refresh_tokens::user_id))
        .first(conn)
        .optional()?)
}

/// Lock order for everything that touches sessions: the user's row first, then the session
/// family. Changing a user (password, role, deactivation) locks the row the same way, so a
/// refresh and such a change queue instead of deadlocking.
fn lock_user(conn: &mut PgConnection, user_id: i64) -> ApiResult<UserRow> {
    Ok(users::table
        .find(user_id)
        .select(UserRow::as_select())
        .for_no_key_update()
        .first(conn)?)
}

fn lock_family(conn: &mut PgConnection, family_id: uuid::Uuid) -> ApiResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind::<diesel::sql_types::Text, _>(format!("session:{family_id}"))
        .execute(conn)?;
    Ok(())
}

fn revoke_family(
    conn: &mut PgConnection,
    family_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> ApiResult<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?)
}

enum RefreshOutcome {
    Issued(Box<IssuedTokens>),
    /// The token had already been used or revoked: its family is now revoked.
    Reused,
    Invalid,
}

pub fn refresh(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &Config,
    signer: &TokenSigner,
    token: &str,
) -> ApiResult<IssuedTokens> {
    let digest = secrets::digest(token);
    let outcome = conn.transaction::<_, ApiError, _>(|conn| {
        let Some((_, user_id)) = find_session(conn, &digest)? else {
            return Ok(RefreshOutcome::Invalid);
        };
        let user = lock_user(conn, user_id)?;
        let Some(row) = refresh_tokens::table
            .filter(refresh_tokens::token_digest.eq(&digest))
            .select(RefreshTokenRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
        else {
            return Ok(RefreshOutcome::Invalid);
        };
        lock_family(conn, row.family_id)?;
        if row.used_at.is_some() || row.revoked_at.is_some() {
            if revoke_family(conn, row.family_id, ctx.now)? > 0 {
                audit::record_as(
                    conn,
                    &Actor::Anonymous,
                    ctx.request_id.as_deref(),
                    ctx.now,
                    Change {
                        action: "session.reuse_detected",
                        entity_type: "user",
                        entity_id: row.user_id.to_string(),
                        before: None,
                        after: Some(serde_json::json!({ "address": ctx.address, "family_id": row.family_id })),
                        customer_id: None,
                    },
                )?;
            }
            return Ok(RefreshOutcome::Reused);
        }
        if row.expires_at <= ctx.now {
            return Ok(RefreshOutcome::Invalid);
        }
        if !user.active {
            return Ok(RefreshOutcome::Invalid);
        }
        diesel::update(refresh_tokens::table.find(row.id))
            .set(refresh_tokens::used_at.eq(ctx.now))
            .execute(conn)?;
        issue_pair(conn, config, signer, user, row.family_id, ctx.now)
            .map(|t| RefreshOutcome::Issued(Box::new(t)))
    })?;
    match outcome {
        RefreshOutcome::Issued(tokens) => Ok(*tokens),
        RefreshOutcome::Reused | RefreshOutcome::Invalid => Err(invalid_refresh_token()),
    }
}

/// Ends the session the refresh token belongs to. Holding the refresh token is the proof,
/// so an expired access token does not stop a logout. Idempotent: an unknown or already
/// revoked token is not an error.
pub fn logout(conn: &mut PgConnection, ctx: &RequestContext, token: &str) -> ApiResult<()> {
    let digest = secrets::digest(token);
    conn.transaction(|conn| {
        let Some((family_id, user_id)) = find_session(conn, &digest)? else {
            return Ok(());
        };
        let user = lock_user(conn, user_id)?;
        // Waits for a refresh of this session in flight; the revocation below then sees the
        // token that refresh issued, so it cannot outlive the logout.
        lock_family(conn, family_id)?;
        if revoke_family(conn, family_id, ctx.now)? > 0 {
            audit::record_as(
                conn,
                &Actor::Principal(principal_of(&user)?),
                ctx.request_id.as_deref(),
                ctx.now,
                Change {
                    action: "session.ended",
                    entity_type: "user",
                    entity_id: user_id.to_string(),
                    before: None,
                    after: None,
                    customer_id: None,
                },
            )?;
        }
        Ok(())
    })
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4). `requested_scope` is space-separated;
/// absent means every scope the client holds.
pub fn client_credentials(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    config: &Config,
    signer: &TokenSigner,
    client_id: &str,
    client_secret: &str,
    requested_scope: Option<&str>,
) -> ApiResult<ClientToken> {
    let key = account_key(&format!("client:{client_id}"));
    let (attempt, client) = conn.transaction(|conn| {
        let attempt = begin_attempt(conn, config, &key, &ctx.address, ctx.now)?;
        let client = api_clients::table
            .filter(api_clients::client_id.eq(client_id))
            .select(ApiClientRow::as_select())
            .first(conn)
            .optional()?;
        Ok::<_, ApiError>((attempt, client))
    })?;
    let digest = secrets::digest(client_secret);
    let client = client.filter(|c| c.active && bool::from(c.secret_digest.ct_eq(&digest)));
    let Some(client) = client else {
        return Err(ApiError::unauthorized(
            "invalid_client",
            "the client id or secret is incorrect",
        ));
    };
    diesel::delete(login_failures::table.find(attempt)).execute(conn)?;
    let scopes: Vec<String> = match requested_scope.map(str::trim).filter(|s| !s.is_empty()) {
        None => client.scopes.clone(),
        Some(requested) => {
            let requested: Vec<String> = requested.split_whitespace().map(str::to_owned).collect();
            if let Some(bad) = requested.iter().find(|s| !client.scopes.contains(s)) {
                let detail = if policy::SCOPES.contains(&bad.as_str()) {
                    format!("the client is not granted the {bad} scope")
                } else {
                    format!("{bad} is not a scope")
                };
                return Err(ApiError::bad_request("invalid_scope", detail));
            }
            requested
        }
    };
    diesel::update(api_clients::table.find(client.id))
        .set(api_clients::last_used_at.eq(ctx.now))
        .execute(conn)?;
    let principal = Principal {
        subject: Subject::ApiClient(client.id),
        role: Role::Integration,
        scopes: scopes.clone(),
        issued_at: 0,
    };
    Ok(ClientToken {
        access_token: signer.issue(&principal, ctx.now)?,
        expires_in: signer.ttl_secs,
        scopes,
    })
}
