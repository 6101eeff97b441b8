//! Staff users: create, list, read, update. Passwords are hashed before the transaction
//! opens (argon2 is slow on purpose; no row lock should wait on it).

use diesel::prelude::*;
use diesel::PgConnection;

use crate::auth::password::hash_password;
use crate::auth::Role;
use crate::db::models::{NewUserRow, UserRow};
use crate::db::schema::{refresh_tokens, users};
use crate::domain::identity::{DisplayName, EmailAddress};
use crate::error::{ApiError, ApiResult};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

#[derive(Debug)]
pub struct NewUser {
    pub email: EmailAddress,
    pub name: DisplayName,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Default)]
pub struct UserPatch {
    pub name: Option<DisplayName>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

pub fn create_user(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewUser,
) -> ApiResult<UserRow> {
    let password_hash = hash_password(&new.password)?;
    conn.transaction(|conn| {
        let row = diesel::insert_into(users::table)
            .values(NewUserRow {
                email: new.email.as_str(),
                name: new.name.as_str(),
                role: new.role.as_str(),
                password_hash: &password_hash,
                active: true,
                created_at: ctx.now,
                updated_at: ctx.now,
            })
            .returning(UserRow::as_returning())
            .get_result(conn)
            .map_err(email_taken)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "user.created",
                entity_type: "user",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(serde_json::to_value(&row).map_err(ApiError::internal)?),
                customer_id: None,
            },
        )?;
        Ok(row)
    })
}

fn email_taken(err: diesel::result::Error) -> ApiError {
    use diesel::result::{DatabaseErrorKind, Error};
    match err {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
            ApiError::conflict("email_taken", "a user with this email already exists")
        }
        other => other.into(),
    }
}

pub fn find_user(conn: &mut PgConnection, id: i64) -> ApiResult<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("user"))
}

/// Users by id, ascending, after `after_id`; `limit + 1` rows.
pub fn list_users(
    conn: &mut PgConnection,
    after_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<UserRow>> {
    Ok(users::table
        .filter(users::id.gt(after_id.unwrap_or(0)))
        .order(users::id.asc())
        .limit(limit + 1)
        .select(UserRow::as_select())
        .load(conn)?)
}

pub fn update_user(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    patch: UserPatch,
) -> ApiResult<UserRow> {
    let password_hash = patch.password.as_deref().map(hash_password).transpose()?;
    conn.transaction(|conn| {
        // Lock order: the active admins first (by id), then the user. Two concurrent
        // demotions of different admins then queue instead of deadlocking.
        let could_lose_admin =
            patch.active == Some(false) || patch.role.is_some_and(|r| r != Role::Admin);
        let active_admins: Vec<i64> = if could_lose_admin {
            users::table
                .filter(
                    users::role
                        .eq(Role::Admin.as_str())
                        .and(users::active.eq(true)),
                )
                .order(users::id.asc())
                .select(users::id)
                .for_update()
                .load(conn)?
        } else {
            Vec::new()
        };
        let before = users::table
            .find(id)
            .select(UserRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("user"))?;
        let loses_admin = could_lose_admin && before.role == Role::Admin.as_str() && before.active;
        if loses_admin && active_admins.len() <= 1 {
            return Err(ApiError::conflict(
                "last_admin",
                "this is the last active admin; make another admin first",
            ));
        }
        let name = patch
            .name
            .as_ref()
            .map_or(before.name.as_str(), DisplayName::as_str);
        let role: &str = match patch.role {
            Some(r) => r.as_str(),
            None => &before.role,
        };
        let active = patch.active.unwrap_or(before.active);
        let hash = password_hash
            .as_deref()
            .unwrap_or(before.password_hash.as_str());
        let after = diesel::update(users::table.find(id))
            .set((
                users::name.eq(name),
                users::role.eq(role),
                users::active.eq(active),
                users::password_hash.eq(hash),
                users::updated_at.eq(ctx.now),
                users::credentials_changed_at.eq(if password_hash.is_some() {
                    Some(ctx.now)
                } else {
                    before.credentials_changed_at
                }),
            ))
            .returning(UserRow::as_returning())
            .get_result(conn)?;
        // A new password, a deactivation or a role change ends the user's sessions.
        if password_hash.is_some() || !active || after.role != before.role {
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::user_id.eq(id))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(ctx.now))
            .execute(conn)?;
        }
        let mut before_json = serde_json::to_value(&before).map_err(ApiError::internal)?;
        let mut after_json = serde_json::to_value(&after).map_err(ApiError::internal)?;
        if password_hash.is_some() {
            // Record that the password changed without recording any form of it.
            before_json["password"] = "(previous)".into();
            after_json["password"] = "(changed)".into();
        }
        audit::record(
            conn,
            ctx,
            Change {
                action: "user.updated",
                entity_type: "user",
                entity_id: id.to_string(),
                before: Some(before_json),
                after: Some(after_json),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}
