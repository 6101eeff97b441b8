//! The ISP's NASes: where subscribers connect, and where provisioning sends Disconnect and
//! CoA requests. Rows live in FreeRADIUS's `radius.nas`, so FreeRADIUS reads the same list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use serde::Serialize;

use crate::db::schema::nas;
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

/// A NAS as stored. The secret is in the row (RADIUS needs it) but never in `Debug`, the
/// audit log or an answer.
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = nas)]
pub struct NasRow {
    pub id: i32,
    pub nasname: String,
    pub shortname: String,
    pub kind: String,
    pub secret: String,
    pub description: Option<String>,
    pub coa_port: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the audit log keeps of a NAS: everything but the secret.
#[derive(Serialize)]
struct Recorded<'a> {
    id: i32,
    address: &'a str,
    name: &'a str,
    kind: &'a str,
    coa_port: i32,
    description: Option<&'a str>,
}

fn recorded(row: &NasRow) -> ApiResult<serde_json::Value> {
    audit::snapshot(&Recorded {
        id: row.id,
        address: &row.nasname,
        name: &row.shortname,
        kind: &row.kind,
        coa_port: row.coa_port,
        description: row.description.as_deref(),
    })
}

pub struct NewNas {
    pub address: String,
    pub name: String,
    pub kind: String,
    pub secret: String,
    pub coa_port: i32,
    pub description: Option<String>,
}

#[derive(Default)]
pub struct NasPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub secret: Option<String>,
    pub coa_port: Option<i32>,
    pub description: Option<Option<String>>,
}

fn address_taken(e: diesel::result::Error) -> ApiError {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::conflict("nas_address_taken", "a NAS with this address exists"),
        other => other.into(),
    }
}

pub fn list(conn: &mut PgConnection) -> ApiResult<Vec<NasRow>> {
    Ok(nas::table
        .order(nas::id.asc())
        .select(NasRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut PgConnection, id: i32) -> ApiResult<NasRow> {
    nas::table
        .find(id)
        .select(NasRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("NAS"))
}

pub fn create(conn: &mut PgConnection, ctx: &RequestContext, new: NewNas) -> ApiResult<NasRow> {
    conn.transaction(|conn| {
        let row = diesel::insert_into(nas::table)
            .values((
                nas::nasname.eq(&new.address),
                nas::shortname.eq(&new.name),
                nas::kind.eq(&new.kind),
                nas::secret.eq(&new.secret),
                nas::coa_port.eq(new.coa_port),
                nas::description.eq(new.description.as_deref()),
                nas::created_at.eq(ctx.now),
                nas::updated_at.eq(ctx.now),
            ))
            .returning(NasRow::as_returning())
            .get_result(conn)
            .map_err(address_taken)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "nas.created",
                entity_type: "nas",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(recorded(&row)?),
                customer_id: None,
            },
        )?;
        Ok(row)
    })
}

pub fn update(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i32,
    patch: NasPatch,
) -> ApiResult<NasRow> {
    conn.transaction(|conn| {
        let before: NasRow = nas::table
            .find(id)
            .for_update()
            .select(NasRow::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("NAS"))?;
        let secret_changed = patch.secret.is_some();
        let after = diesel::update(nas::table.find(id))
            .set((
                nas::shortname.eq(patch.name.unwrap_or(before.shortname.clone())),
                nas::kind.eq(patch.kind.unwrap_or(before.kind.clone())),
                nas::secret.eq(patch.secret.unwrap_or(before.secret.clone())),
                nas::coa_port.eq(patch.coa_port.unwrap_or(before.coa_port)),
                nas::description.eq(patch.description.unwrap_or(before.description.clone())),
                nas::updated_at.eq(ctx.now),
            ))
            .returning(NasRow::as_returning())
            .get_result(conn)?;
        let mut after_record = recorded(&after)?;
        if secret_changed {
            // Say that it changed, never what it is.
            after_record["secret_changed"] = serde_json::Value::Bool(true);
        }
        audit::record(
            conn,
            ctx,
            Change {
                action: "nas.updated",
                entity_type: "nas",
                entity_id: id.to_string(),
                before: Some(recorded(&before)?),
                after: Some(after_record),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

pub fn delete(conn: &mut PgConnection, ctx: &RequestContext, id: i32) -> ApiResult<()> {
    conn.transaction(|conn| {
        let before = find(conn, id)?;
        diesel::delete(nas::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "nas.deleted",
                entity_type: "nas",
                entity_id: id.to_string(),
                before: Some(recorded(&before)?),
                after: None,
                customer_id: None,
            },
        )?;
        Ok(())
    })
}
