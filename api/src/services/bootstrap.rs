//! Startup: make sure someone can log in. When no active admin exists, the admin named by
//! `ADMIN_EMAIL` is created (or re-activated as admin) with `ADMIN_PASSWORD`, or with a
//! random password that is returned so the caller can print it once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::PgConnection;

use crate::auth::password::hash_password;
use crate::auth::{secrets, Role};
use crate::db::models::{NewUserRow, UserRow};
use crate::db::schema::{refresh_tokens, users};
use crate::domain::identity::EmailAddress;
use crate::services::audit::{self, Actor, Change};

pub struct BootstrapAdmin {
    pub email: String,
    /// Set when the password was generated here and must be shown to the operator.
    pub generated_password: Option<String>,
}

pub fn ensure_admin(
    conn: &mut PgConnection,
    email: &str,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<BootstrapAdmin>> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("ADMIN_EMAIL {e}"))?;
    conn.transaction(|conn| {
        // Serialise concurrent replicas starting at once.
        diesel::sql_query("SELECT pg_advisory_xact_lock(7301001)").execute(conn)?;
        let admins: i64 = users::table
            .filter(
                users::role
                    .eq(Role::Admin.as_str())
                    .and(users::active.eq(true)),
            )
            .count()
            .get_result(conn)?;
        if admins > 0 {
            return Ok(None);
        }
        let generated = password.is_none().then(secrets::generate_password);
        let password = password
            .map(str::to_owned)
            .or_else(|| generated.clone())
            .unwrap_or_default();
        crate::auth::password::check_password_strength(&password)
            .map_err(|e| anyhow::anyhow!("ADMIN_PASSWORD {e}"))?;
        let hash = hash_password(&password)?;
        let existing = users::table
            .filter(users::email.eq(email.as_str()))
            .select(UserRow::as_select())
            .first(conn)
            .optional()?;
        let row = match existing {
            Some(user) => {
                // Its password changes here, so its old sessions end.
                diesel::update(
                    refresh_tokens::table
                        .filter(refresh_tokens::user_id.eq(user.id))
                        .filter(refresh_tokens::revoked_at.is_null()),
                )
                .set(refresh_tokens::revoked_at.eq(now))
                .execute(conn)?;
                diesel::update(users::table.find(user.id))
                    .set((
                        users::role.eq(Role::Admin.as_str()),
                        users::active.eq(true),
                        users::password_hash.eq(&hash),
                        users::updated_at.eq(now),
                    ))
                    .returning(UserRow::as_returning())
                    .get_result(conn)?
            }
            None => diesel::insert_into(users::table)
                .values(NewUserRow {
                    email: email.as_str(),
                    name: "Administrator",
                    role: Role::Admin.as_str(),
                    password_hash: &hash,
                    active: true,
                    created_at: now,
                    updated_at: now,
                })
                .returning(UserRow::as_returning())
                .get_result(conn)?,
        };
        audit::record_as(
            conn,
            &Actor::System,
            None,
            now,
            Change {
                action: "user.bootstrapped",
                entity_type: "user",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(serde_json::to_value(&row)?),
                customer_id: None,
            },
        )?;
        Ok(Some(BootstrapAdmin {
            email: row.email,
            generated_password: generated,
        }))
    })
}
