//! Staff users (admin only).

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{FieldErrors, PageQuery};
use crate::auth::password::check_password_strength;
use crate::auth::Role;
use crate::db::{self, models::UserRow};
use crate::domain::identity::{DisplayName, EmailAddress};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::users::{self as service, NewUser, UserPatch};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user);
}

/// A staff user. The password hash is never returned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: row.id,
            email: row.email,
            name: row.name,
            role: row.role.parse().unwrap_or(Role::Viewer),
            active: row.active,
            created_at: row.created_at,
            last_login_at: row.last_login_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<User>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// One of the staff roles: admin, manager, agent, finance, viewer.
    pub role: Role,
    /// At least 12 characters.
    #[schema(format = Password, min_length = 12, max_length = 256)]
    pub password: String,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `false` deactivates the user and ends their sessions.
    pub active: Option<bool>,
    /// A new password (at least 12 characters); ends the user's sessions.
    #[schema(format = Password, min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

fn check_staff_role(errors: &mut FieldErrors, role: Role) -> Option<Role> {
    if role.is_staff() {
        Some(role)
    } else {
        errors.add("role", "invalid", format!("{role} is not a staff role"));
        None
    }
}

/// List staff users, oldest first.
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: State,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<UserPage>> {
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        service::list_users(conn, after, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |u| u.id);
    Ok(web::Json(UserPage {
        items: rows.into_iter().map(User::from).collect(),
        next_cursor,
    }))
}

/// Create a staff user.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 409, description = "`email_taken`", body = Problem),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: State,
    ctx: RequestContext,
    body: Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let email = errors.check("email", EmailAddress::parse(&body.email));
    let name = errors.check("name", DisplayName::parse(&body.name));
    let role = check_staff_role(&mut errors, body.role);
    errors.check("password", check_password_strength(&body.password));
    errors.finish()?;
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewUser {
        email,
        name,
        role,
        password: body.password,
    };
    let row = db::run(&state.pool, move |conn| {
        service::create_user(conn, &ctx, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", row.id)))
        .json(User::from(row)))
}

/// Get one staff user.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(state: State, id: web::Path<i64>) -> ApiResult<web::Json<User>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find_user(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Change a staff user's name, role, password or active flag.
///
/// The last active admin cannot be demoted or deactivated.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`last_admin`", body = Problem),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<UpdateUserRequest>,
) -> ApiResult<web::Json<User>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| errors.check("name", DisplayName::parse(n)));
    let role = body.role.and_then(|r| check_staff_role(&mut errors, r));
    if let Some(p) = &body.password {
        errors.check("password", check_password_strength(p));
    }
    errors.finish()?;
    let patch = UserPatch {
        name,
        role,
        active: body.active,
        password: body.password,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_user(conn, &ctx, id, patch)
    })
    .await?;
    state.validity.credentials_changed();
    Ok(web::Json(row.into()))
}
