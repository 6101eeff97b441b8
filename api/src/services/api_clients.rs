//! API clients for third-party systems (role `integration`). The secret is shown once, at
//! creation or rotation, and stored only as a digest.

use diesel::prelude::*;
use diesel::PgConnection;

use crate::auth::secrets;
use crate::db::models::{ApiClientRow, NewApiClientRow};
use crate::db::schema::api_clients;
use crate::domain::identity::DisplayName;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

#[derive(Debug)]
pub struct NewApiClient {
    pub name: DisplayName,
    pub scopes: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ApiClientPatch {
    pub name: Option<DisplayName>,
    pub scopes: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// Creates a client; returns it with its secret, which is not stored and cannot be shown again.
pub fn create_api_client(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    created_by: Option<i64>,
    new: NewApiClient,
) -> ApiResult<(ApiClientRow, String)> {
    let secret = secrets::generate("cs");
    let client_id = format!("cli_{}", uuid::Uuid::new_v4().simple());
    conn.transaction(|conn| {
        let row = diesel::insert_into(api_clients::table)
            .values(NewApiClientRow {
                client_id: &client_id,
                name: new.name.as_str(),
                secret_digest: secrets::digest(&secret),
                scopes: new.scopes,
                active: true,
                created_by,
                created_at: ctx.now,
                updated_at: ctx.now,
            })
            .returning(ApiClientRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "api_client.created",
                entity_type: "api_client",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(audit::snapshot(&row)?),
                customer_id: None,
            },
        )?;
        Ok((row, secret))
    })
}

pub fn find_api_client(conn: &mut PgConnection, id: i64) -> ApiResult<ApiClientRow> {
    api_clients::table
        .find(id)
        .select(ApiClientRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("API client"))
}

pub fn list_api_clients(
    conn: &mut PgConnection,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<ApiClientRow>> {
    Ok(api_clients::table
        .filter(api_clients::id.gt(after_id.unwrap_or(0)))
        .order(api_clients::id.asc())
        .limit(limit + 1)
        .select(ApiClientRow::as_select())
        .load(conn)?)
}

fn lock(conn: &mut PgConnection, id: i64) -> ApiResult<ApiClientRow> {
    api_clients::table
        .find(id)
        .select(ApiClientRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("API client"))
}

pub fn update_api_client(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    patch: ApiClientPatch,
) -> ApiResult<ApiClientRow> {
    conn.transaction(|conn| {
        let before = lock(conn, id)?;
        let after = diesel::update(api_clients::table.find(id))
            .set((
                api_clients::name.eq(patch
                    .name
                    .as_ref()
                    .map_or(before.name.as_str(), DisplayName::as_str)),
                api_clients::scopes.eq(patch
                    .scopes
                    .clone()
                    .unwrap_or_else(|| before.scopes.clone())),
                api_clients::active.eq(patch.active.unwrap_or(before.active)),
                api_clients::updated_at.eq(ctx.now),
            ))
            .returning(ApiClientRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "api_client.updated",
                entity_type: "api_client",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// Issues a new secret; the old one stops working at once.
pub fn rotate_secret(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
) -> ApiResult<(ApiClientRow, String)> {
    let secret = secrets::generate("cs");
    conn.transaction(|conn| {
        lock(conn, id)?;
        let row = diesel::update(api_clients::table.find(id))
            .set((
                api_clients::secret_digest.eq(secrets::digest(&secret)),
                api_clients::updated_at.eq(ctx.now),
                api_clients::credentials_changed_at.eq(Some(ctx.now)),
            ))
            .returning(ApiClientRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "api_client.secret_rotated",
                entity_type: "api_client",
                entity_id: id.to_string(),
                before: None,
                after: None,
                customer_id: None,
            },
        )?;
        Ok((row, secret))
    })
}

pub fn delete_api_client(conn: &mut PgConnection, ctx: &RequestContext, id: i64) -> ApiResult<()> {
    conn.transaction(|conn| {
        let before = lock(conn, id)?;
        diesel::delete(api_clients::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "api_client.deleted",
                entity_type: "api_client",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: None,
                customer_id: None,
            },
        )?;
        Ok(())
    })
}
