//! Authentication: staff login, token refresh and logout, the OAuth 2.0 client-credentials
//! grant for API clients, and "who am I".

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{Principal, Role, Subject};
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{parse_json, Json};
use crate::services::{api_clients, sessions, users};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(token)
        .service(me);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin@ispbill.local")]
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    /// The refresh token of the session to end.
    pub refresh_token: String,
}

/// A staff session: a short-lived access token and a refresh token that rotates on use.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: `POST /api/v1/auth/refresh` returns a new one and retires this one.
    pub refresh_token: String,
    /// Seconds until the refresh token expires.
    pub refresh_expires_in: i64,
}

impl From<sessions::IssuedTokens> for TokenResponse {
    fn from(t: sessions::IssuedTokens) -> Self {
        TokenResponse {
            access_token: t.access_token,
            token_type: "Bearer".into(),
            expires_in: t.expires_in,
            refresh_token: t.refresh_token,
            refresh_expires_in: t.refresh_expires_in,
        }
    }
}

/// Client-credentials grant (RFC 6749 §4.4), as a form (the OAuth way) or as JSON. The
/// client may authenticate with HTTP Basic instead of `client_id`/`client_secret` fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentialsRequest {
    /// Must be `client_credentials`.
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated scopes; omitted means every scope the client holds.
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClientTokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: i64,
    /// Space-separated scopes the token carries.
    pub scope: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    ApiClient,
    Customer,
}

/// The caller, as its token proves it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub kind: PrincipalKind,
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub scopes: Vec<String>,
}

/// Log in with email and password.
///
/// Returns an access token (15 minutes by default) and a refresh token. A wrong email and a
/// wrong password give the same answer. Repeated failures for one account or from one
/// address are refused with 429 for the rest of the window.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "`invalid_credentials`", body = Problem),
        (status = 429, description = "`rate_limited`: too many failed attempts; see Retry-After", body = Problem),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: State,
    ctx: RequestContext,
    body: Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let body = body.into_inner();
    let st = state.clone();
    let tokens = db::run_with_pool(&state.pool, move |pool| {
        sessions::login(
            pool,
            &ctx,
            &st.config,
            &st.tokens,
            &body.email,
            &body.password,
        )
    })
    .await?;
    Ok(web::Json(tokens.into()))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used revokes every token
/// of that session, since only a thief or a replay would do that.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "`invalid_refresh_token`: unknown, used, revoked or expired", body = Problem),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: State,
    ctx: RequestContext,
    body: Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let body = body.into_inner();
    let st = state.clone();
    let tokens = db::run(&state.pool, move |conn| {
        sessions::refresh(conn, &ctx, &st.config, &st.tokens, &body.refresh_token)
    })
    .await?;
    Ok(web::Json(tokens.into()))
}

/// End a session: its refresh token (and every token rotated from it) stops working.
///
/// The refresh token is the credential; no access token is needed, so a session can be ended
/// after its access token expired.
#[utoipa::path(
    tag = "auth",
    request_body = LogoutRequest,
    responses((status = 204, description = "Logged out (also when the session had already ended)"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: State,
    ctx: RequestContext,
    body: Json<LogoutRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    db::run(&state.pool, move |conn| {
        sessions::logout(conn, &ctx, &body.refresh_token)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get an access token for an API client (OAuth 2.0 client credentials).
///
/// Send `grant_type=client_credentials` with `client_id` and `client_secret` (or HTTP Basic
/// authentication) as `application/x-www-form-urlencoded` or JSON.
#[utoipa::path(
    tag = "auth",
    request_body(
        content(
            (ClientCredentialsRequest = "application/x-www-form-urlencoded"),
            (ClientCredentialsRequest = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "An access token for the integration role", body = ClientTokenResponse),
        (status = 400, description = "`unsupported_grant_type`, `invalid_scope`, `invalid_request`", body = Problem),
        (status = 401, description = "`invalid_client`", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    )
)]
#[post("/auth/token")]
pub async fn token(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<web::Json<ClientTokenResponse>> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let form: ClientCredentialsRequest =
        if content_type.starts_with("application/x-www-form-urlencoded") {
            serde_urlencoded::from_bytes(&body).map_err(|e| {
                ApiError::bad_request("invalid_request", format!("the form is invalid: {e}"))
            })?
        } else if content_type.starts_with("application/json") {
            parse_json(&body)?
        } else {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/x-www-form-urlencoded or application/json",
            ));
        };
    if form.grant_type != "client_credentials" {
        return Err(ApiError::bad_request(
            "unsupported_grant_type",
            "only grant_type=client_credentials is supported here",
        ));
    }
    let (client_id, client_secret) = match (
        basic_credentials(&req)?,
        form.client_id,
        form.client_secret,
    ) {
        (Some(basic), None, None) => basic,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(ApiError::bad_request(
            "invalid_request",
            "authenticate the client with HTTP Basic or with client_id and client_secret, not both",
        )),
    };
    let st = state.clone();
    let issued = db::run(&state.pool, move |conn| {
        sessions::client_credentials(
            conn,
            &ctx,
            &st.config,
            &st.tokens,
            &client_id,
            &client_secret,
            form.scope.as_deref(),
        )
    })
    .await?;
    Ok(web::Json(ClientTokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer".into(),
        expires_in: issued.expires_in,
        scope: issued.scopes.join(" "),
    }))
}

fn basic_credentials(req: &HttpRequest) -> ApiResult<Option<(String, String)>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let invalid =
        || ApiError::unauthorized("invalid_client", "the Basic credentials are malformed");
    let value = value.to_str().map_err(|_| invalid())?;
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return Ok(None);
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
    Ok(Some((id.to_owned(), secret.to_owned())))
}

/// Who am I: the caller's identity and role.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The caller", body = Me))
)]
#[get("/auth/me")]
pub async fn me(state: State, principal: Principal) -> ApiResult<web::Json<Me>> {
    let me = db::run(&state.pool, move |conn| {
        Ok(match principal.subject {
            Subject::User(id) => {
                let user = users::find_user(conn, id)?;
                Me {
                    kind: PrincipalKind::User,
                    id,
                    name: user.name,
                    email: Some(user.email),
                    role: principal.role,
                    scopes: principal.scopes,
                }
            }
            Subject::ApiClient(id) => {
                let client = api_clients::find_api_client(conn, id)?;
                Me {
                    kind: PrincipalKind::ApiClient,
                    id,
                    name: client.name,
                    email: None,
                    role: principal.role,
                    scopes: principal.scopes,
                }
            }
            Subject::Customer(id) => {
                use crate::db::schema::customers;
                use diesel::prelude::*;
                let (name, email): (String, Option<String>) = customers::table
                    .find(id)
                    .select((customers::name, customers::email))
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| ApiError::not_found("customer"))?;
                Me {
                    kind: PrincipalKind::Customer,
                    id,
                    name,
                    email,
                    role: principal.role,
                    scopes: principal.scopes,
                }
            }
        })
    })
    .await?;
    Ok(web::Json(me))
}
