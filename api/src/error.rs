//! The one error shape of the API: RFC 9457 problem details (`application/problem+json`)
//! with a stable snake_case `code` that clients may branch on, and field errors for
//! validation failures.
//!
//! Which error to use where:
//! - bad input the client can fix → `ApiError::validation` (422) or `bad_request` (400);
//! - no or bad credentials → `unauthorized` (401); authenticated but not allowed → `forbidden` (403);
//! - a state conflict (duplicate, wrong status) → `conflict` (409);
//! - anything unexpected → `ApiError::internal` / `?` on an infrastructure error (500): the
//!   cause is logged with the request's span, the client gets a generic body.

use std::fmt;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `urn:ispbill:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human-readable explanation of this occurrence.
    pub detail: String,
    /// Stable machine-readable code, snake_case.
    pub code: String,
    /// Field errors, present on validation failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body, e.g. `email` or `lines[2].quantity`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `invalid`, `too_long`.
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// The error every handler returns.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    retry_after_secs: Option<i64>,
    /// The internal cause; logged, never sent.
    source: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after_secs: None,
            source: None,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are invalid", errors.len()),
        };
        ApiError {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                detail,
            )
        }
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 409 `version_conflict` unless the caller's `If-Match` version (when sent) is the
    /// record's current one: someone changed it since the caller read it.
    pub fn check_version(what: &str, expected: Option<i32>, current: i32) -> Result<(), Self> {
        match expected {
            Some(v) if v != current => Err(Self::conflict(
                "version_conflict",
                format!(
                    "the {what} changed since you read it (version {current} now); reload and retry"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The problem in words for an operator's log, with the internal cause when there is one
    /// (never sent to a client).
    pub fn describe(&self) -> String {
        match &self.source {
            Some(cause) => format!("{} ({cause:#})", self.detail),
            None => self.detail.clone(),
        }
    }

    pub fn rate_limited(retry_after_secs: i64) -> Self {
        ApiError {
            retry_after_secs: Some(retry_after_secs.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many attempts; try again later",
            )
        }
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ApiError {
            source: Some(cause.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "an internal error occurred; it has been logged",
            )
        }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_: format!("urn:ispbill:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self.errors.clone(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("detail", &self.detail)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(source) = &self.source {
            tracing::error!(error = ?source, "internal error");
        }
        problem_response(self.status, &self.to_problem(), self.retry_after_secs)
    }
}

/// Builds the HTTP response for a problem document.
pub fn problem_response(
    status: StatusCode,
    problem: &Problem,
    retry_after_secs: Option<i64>,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
    }
    if let Some(secs) = retry_after_secs {
        response.insert_header((header::RETRY_AFTER, secs.to_string()));
    }
    response.body(serde_json::to_vec(problem).unwrap_or_default())
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::not_found("resource"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "unique violation");
                ApiError::conflict(
                    "already_exists",
                    "a record with these values already exists",
                )
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => ApiError::new(
                StatusCode::CONFLICT,
                "concurrent_update",
                "the record was changed concurrently; retry the request",
            ),
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        ApiError::internal(err)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(err)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(err)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 connection refused"));
        let problem = err.to_problem();
        assert_eq!(problem.status, 500);
        assert_eq!(problem.code, "internal_error");
        assert!(!problem.detail.contains("hunter2"));
    }

    #[test]
    fn validation_lists_fields() {
        let err = ApiError::validation(vec![
            FieldError::new("email", "invalid", "not an email address"),
            FieldError::new("name", "required", "must not be empty"),
        ]);
        let problem = err.to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.type_, "urn:ispbill:problem:validation_failed");
        assert_eq!(problem.errors.len(), 2);
        assert_eq!(problem.detail, "2 fields are invalid");
    }

    #[test]
    fn diesel_not_found_is_a_404() {
        let err: ApiError = diesel::result::Error::NotFound.into();
        assert_eq!(err.status(), StatusCode::NOT_FOUND);
    }
}
