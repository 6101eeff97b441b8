//! The NASes provisioning talks to (admins change them; managers and admins read them).
//! The shared secret is write-only: it is accepted on create and change, never returned.

use std::net::IpAddr;

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{nullable, FieldErrors};
use crate::db;
use crate::domain::identity::DisplayName;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::services::nas::{self as service, NasPatch, NasRow, NewNas};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_nas)
        .service(create_nas)
        .service(get_nas)
        .service(update_nas)
        .service(delete_nas);
}

/// A NAS (BRAS, router, hotspot controller) as the API shows it: without its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Nas {
    pub id: i32,
    /// The address it sends RADIUS requests from, and takes Disconnect/CoA requests on.
    pub address: String,
    pub name: String,
    /// FreeRADIUS's NAS type, e.g. `other`, `mikrotik`, `cisco`.
    pub kind: String,
    /// The UDP port it takes Disconnect and CoA requests on (RFC 5176; usually 3799).
    pub coa_port: i32,
    pub description: Option<String>,
    /// Always true: a NAS has a secret, which is never shown.
    pub secret_set: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<NasRow> for Nas {
    fn from(row: NasRow) -> Self {
        Nas {
            id: row.id,
            address: row.nasname,
            name: row.shortname,
            kind: row.kind,
            coa_port: row.coa_port,
            description: row.description,
            secret_set: !row.secret.is_empty(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NasList {
    pub items: Vec<Nas>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNasRequest {
    /// An IPv4 or IPv6 address.
    pub address: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Default `other`.
    pub kind: Option<String>,
    /// The RADIUS shared secret, 8–128 printable characters. Write-only.
    #[schema(min_length = 8, max_length = 128, write_only)]
    pub secret: String,
    /// Default 3799.
    #[schema(minimum = 1, maximum = 65535)]
    pub coa_port: Option<i32>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNasRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub kind: Option<String>,
    /// A new shared secret. Write-only.
    #[schema(min_length = 8, max_length = 128, write_only)]
    pub secret: Option<String>,
    #[schema(minimum = 1, maximum = 65535)]
    pub coa_port: Option<i32>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    pub description: Option<Option<String>>,
}

fn check_kind(errors: &mut FieldErrors, kind: &str) -> Option<String> {
    let ok = !kind.is_empty()
        && kind.len() <= 32
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Some(kind.to_owned())
    } else {
        errors.add(
            "kind",
            "invalid",
            "lower-case letters, digits, - and _ only",
        );
        None
    }
}

fn check_secret(errors: &mut FieldErrors, secret: &str) -> Option<String> {
    let ok = (8..=128).contains(&secret.chars().count())
        && secret.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if ok {
        Some(secret.to_owned())
    } else {
        errors.add("secret", "invalid", "8 to 128 printable ASCII characters");
        None
    }
}

fn check_port(errors: &mut FieldErrors, port: i32) -> Option<i32> {
    if (1..=65535).contains(&port) {
        Some(port)
    } else {
        errors.add("coa_port", "invalid", "must be between 1 and 65535");
        None
    }
}

fn check_description(errors: &mut FieldErrors, text: Option<String>) -> Option<String> {
    match text {
        Some(t) if t.chars().count() > 1000 || t.chars().any(char::is_control) => {
            errors.add(
                "description",
                "invalid",
                "at most 1000 characters, no control characters",
            );
            None
        }
        other => other,
    }
}

/// List the NASes.
#[utoipa::path(tag = "network", responses((status = 200, description = "Every NAS", body = NasList)))]
#[get("/nas")]
pub async fn list_nas(state: State) -> ApiResult<web::Json<NasList>> {
    let rows = db::run(&state.pool, service::list).await?;
    Ok(web::Json(NasList {
        items: rows.into_iter().map(Nas::from).collect(),
    }))
}

/// Add a NAS. FreeRADIUS and provisioning read the same row.
#[utoipa::path(
    tag = "network",
    request_body = CreateNasRequest,
    responses(
        (status = 201, description = "Added (without its secret)", body = Nas),
        (status = 409, description = "`nas_address_taken`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/nas")]
pub async fn create_nas(
    state: State,
    ctx: RequestContext,
    body: Json<CreateNasRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let address = match body.address.trim().parse::<IpAddr>() {
        Ok(ip) => Some(ip.to_string()),
        Err(_) => {
            errors.add("address", "invalid", "must be an IPv4 or IPv6 address");
            None
        }
    };
    let name = errors
        .check("name", DisplayName::parse(&body.name))
        .map(|n| n.as_str().to_owned());
    let kind = check_kind(&mut errors, body.kind.as_deref().unwrap_or("other"));
    let secret = check_secret(&mut errors, &body.secret);
    let coa_port = check_port(&mut errors, body.coa_port.unwrap_or(3799));
    let description = check_description(&mut errors, body.description);
    errors.finish()?;
    // Every missing value named its field error above, so this holds.
    let (Some(address), Some(name), Some(kind), Some(secret), Some(coa_port)) =
        (address, name, kind, secret, coa_port)
    else {
        return Err(ApiError::bad_request(
            "invalid_request",
            "the NAS is incomplete",
        ));
    };
    let new = NewNas {
        address,
        name,
        kind,
        secret,
        coa_port,
        description,
    };
    let row = db::run(&state.pool, move |conn| service::create(conn, &ctx, new)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/nas/{}", row.id)))
        .json(Nas::from(row)))
}

/// Get one NAS (without its secret).
#[utoipa::path(
    tag = "network",
    params(("id" = i32, Path, description = "NAS id")),
    responses(
        (status = 200, description = "The NAS", body = Nas),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/nas/{id}")]
pub async fn get_nas(state: State, id: web::Path<i32>) -> ApiResult<web::Json<Nas>> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find(conn, id)).await?;
    Ok(web::Json(row.into()))
}

/// Change a NAS: its name, type, CoA port, description, or secret (write-only).
#[utoipa::path(
    tag = "network",
    params(("id" = i32, Path, description = "NAS id")),
    request_body = UpdateNasRequest,
    responses(
        (status = 200, description = "Changed (without its secret)", body = Nas),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/nas/{id}")]
pub async fn update_nas(
    state: State,
    ctx: RequestContext,
    id: web::Path<i32>,
    body: Json<UpdateNasRequest>,
) -> ApiResult<web::Json<Nas>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let patch = NasPatch {
        name: body
            .name
            .as_deref()
            .and_then(|n| errors.check("name", DisplayName::parse(n)))
            .map(|n| n.as_str().to_owned()),
        kind: body
            .kind
            .as_deref()
            .and_then(|k| check_kind(&mut errors, k)),
        secret: body
            .secret
            .as_deref()
            .and_then(|s| check_secret(&mut errors, s)),
        coa_port: body.coa_port.and_then(|p| check_port(&mut errors, p)),
        description: body.description.map(|d| check_description(&mut errors, d)),
    };
    errors.finish()?;
    let row = db::run(&state.pool, move |conn| {
        service::update(conn, &ctx, id, patch)
    })
    .await?;
    Ok(web::Json(row.into()))
}

/// Remove a NAS.
#[utoipa::path(
    tag = "network",
    params(("id" = i32, Path, description = "NAS id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[delete("/nas/{id}")]
pub async fn delete_nas(
    state: State,
    ctx: RequestContext,
    id: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| service::delete(conn, &ctx, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
