//! API clients for third-party systems (admin only).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{FieldErrors, PageQuery};
use crate::auth::policy::SCOPES;
use crate::db::{self, models::ApiClientRow};
use crate::domain::identity::DisplayName;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::api_clients::{self as service, ApiClientPatch, NewApiClient};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_clients)
        .service(create_api_client)
        .service(get_api_client)
        .service(update_api_client)
        .service(delete_api_client)
        .service(rotate_api_client_secret);
}

/// A third-party system allowed to call the API with the `integration` role.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiClient {
    pub id: i64,
    /// The public identifier used in the client-credentials grant.
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiClientRow> for ApiClient {
    fn from(row: ApiClientRow) -> Self {
        ApiClient {
            id: row.id,
            client_id: row.client_id,
            name: row.name,
            scopes: row.scopes,
            active: row.active,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A client with its secret, returned once at creation or rotation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiClientWithSecret {
    #[serde(flatten)]
    pub client: ApiClient,
    /// Shown only now; store it safely.
    pub client_secret: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiClientPage {
    pub items: Vec<ApiClient>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiClientRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Scopes to grant, from the documented list.
    #[serde(default)]
    pub scopes: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApiClientRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub scopes: Option<Vec<String>>,
    /// `false` stops the client from getting new tokens.
    pub active: Option<bool>,
}

fn check_scopes(errors: &mut FieldErrors, scopes: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, scope) in scopes.into_iter().enumerate() {
        if !SCOPES.contains(&scope.as_str()) {
            errors.add(
                &format!("scopes[{i}]"),
                "invalid",
                format!(
                    "{scope} is not a scope; known scopes: {}",
                    SCOPES.join(", ")
                ),
            );
        } else if !out.contains(&scope) {
            out.push(scope);
        }
    }
    out
}

/// List API clients.
#[utoipa::path(
    tag = "api-clients",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of clients", body = ApiClientPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/api-clients")]
pub async fn list_api_clients(
    state: State,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ApiClientPage>> {
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        service::list_api_clients(conn, after, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |c| c.id);
    Ok(web::Json(ApiClientPage {
        items: rows.into_iter().map(ApiClient::from).collect(),
        next_cursor,
    }))
}

/// Register an API client. The response carries its secret, once.
#[utoipa::path(
    tag = "api-clients",
    request_body = CreateApiClientRequest,
    responses((status = 201, description = "Created", body = ApiClientWithSecret))
)]
#[post("/api-clients")]
pub async fn create_api_client(
    state: State,
    ctx: RequestContext,
    body: Json<CreateApiClientRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = errors.check("name", DisplayName::parse(&body.name));
    let scopes = check_scopes(&mut errors, body.scopes);
    errors.finish()?;
    let name = name.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated name missing")))?;
    let created_by = match &ctx.actor {
        crate::services::audit::Actor::Principal(p) => p.user_id().ok(),
        _ => None,
    };
    let (row, secret) = db::run(&state.pool, move |conn| {
        service::create_api_client(conn, &ctx, created_by, NewApiClient { name, scopes })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/api-clients/{}", row.id)))
        .json(ApiClientWithSecret {
            client: row.into(),
            client_secret: secret,
        }))
}

/// Get one API client.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = i64, Path, description = "API client id")),
    responses(
        (status = 200, description = "The client", body = ApiClient),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/api-clients/{id}")]
pub async fn get_api_client(state: State, id: web::Path<i64>) -> ApiResult<web::Json<ApiClient>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find_api_client(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Rename an API client, change its scopes, or deactivate it.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = i64, Path, description = "API client id")),
    request_body = UpdateApiClientRequest,
    responses(
        (status = 200, description = "Updated", body = ApiClient),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[patch("/api-clients/{id}")]
pub async fn update_api_client(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<UpdateApiClientRequest>,
) -> ApiResult<web::Json<ApiClient>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| errors.check("name", DisplayName::parse(n)));
    let scopes = body.scopes.map(|s| check_scopes(&mut errors, s));
    errors.finish()?;
    let patch = ApiClientPatch {
        name,
        scopes,
        active: body.active,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_api_client(conn, &ctx, id, patch)
    })
    .await?;
    state.validity.credentials_changed();
    Ok(web::Json(row.into()))
}

/// Delete an API client; its secret stops working at once.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = i64, Path, description = "API client id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[delete("/api-clients/{id}")]
pub async fn delete_api_client(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        service::delete_api_client(conn, &ctx, id)
    })
    .await?;
    state.validity.credentials_changed();
    Ok(HttpResponse::NoContent().finish())
}

/// Issue a new secret for an API client; the old one stops working at once.
#[utoipa::path(
    tag = "api-clients",
    params(("id" = i64, Path, description = "API client id")),
    responses(
        (status = 200, description = "The client with its new secret", body = ApiClientWithSecret),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[post("/api-clients/{id}/rotate-secret")]
pub async fn rotate_api_client_secret(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ApiClientWithSecret>> {
    let id = id.into_inner();
    let (row, secret) = db::run(&state.pool, move |conn| {
        service::rotate_secret(conn, &ctx, id)
    })
    .await?;
    state.validity.credentials_changed();
    Ok(web::Json(ApiClientWithSecret {
        client: row.into(),
        client_secret: secret,
    }))
}
