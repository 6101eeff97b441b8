//! Operations endpoints: liveness, readiness, metrics.

use actix_web::{get, HttpResponse};
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiResult, Problem};
use crate::state::State;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the check passed.
    pub status: String,
}

/// Liveness: the process is up and serving HTTP. Checks nothing else.
#[utoipa::path(tag = "operations", responses((status = 200, description = "The process is alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness: the database answers. A load balancer should stop routing here otherwise.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database does not answer", body = Problem),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: State) -> ApiResult<HttpResponse> {
    let pool = state.pool.clone();
    let result = actix_web::web::block(move || -> anyhow::Result<()> {
        let mut conn = pool.get_timeout(std::time::Duration::from_secs(2))?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    })
    .await
    .map_err(anyhow::Error::from)
    .and_then(|r| r);
    match result {
        Ok(()) => Ok(HttpResponse::Ok().json(Health {
            status: "ok".into(),
        })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            Err(crate::error::ApiError::unavailable(
                "the database does not answer",
            ))
        }
    }
}
