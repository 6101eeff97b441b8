//! The agent's one search box.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db;
use crate::domain::search::SearchTerms;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::services::search::{self as service, SearchHit};
use crate::state::State;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What the agent typed: a name, company, account number, e-mail, phone or address
    /// (2–200 characters).
    pub q: String,
    /// Results, 1–50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerHit {
    pub id: i64,
    pub account_number: String,
    pub name: String,
    pub company_name: Option<String>,
    pub status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// How it matched: `identifier` (account number, e-mail), `phone`, `words` or `similar`
    /// (a near match that forgives typos).
    pub matched: String,
}

impl From<SearchHit> for CustomerHit {
    fn from(h: SearchHit) -> Self {
        CustomerHit {
            id: h.id,
            account_number: h.account_number,
            name: h.name,
            company_name: h.company_name,
            status: h.status,
            email: h.email,
            phone: h.phone,
            matched: h.matched,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    /// Best match first.
    pub items: Vec<CustomerHit>,
    /// `account_number_check_failed` when the term has the shape of an account number but
    /// its check digit is wrong: a digit was probably misheard.
    pub hint: Option<String>,
}

/// Find customers by name, company, account number, e-mail, phone or address.
#[utoipa::path(
    tag = "customers",
    params(SearchQuery),
    responses(
        (status = 200, description = "Matches, best first", body = SearchResults),
        (status = 400, description = "`invalid_query`", body = Problem),
        (status = 422, description = "`validation_failed`: `q` too short or too long", body = Problem),
        (status = 503, description = "`unavailable`: the search took too long (type more)", body = Problem),
    )
)]
#[get("/search")]
pub async fn search(
    state: State,
    query: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let query = query.into_inner();
    let limit = match query.limit {
        None => 20,
        Some(n) if (1..=50).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "limit must be between 1 and 50",
            ))
        }
    };
    let terms = SearchTerms::parse(&query.q)
        .map_err(|msg| ApiError::validation(vec![FieldError::new("q", "invalid", msg)]))?;
    let hint = terms
        .bad_check_digit
        .then(|| "account_number_check_failed".to_owned());
    let hits = db::run(&state.pool, move |conn| {
        service::search_customers(conn, &terms, limit)
    })
    .await?;
    Ok(web::Json(SearchResults {
        items: hits.into_iter().map(CustomerHit::from).collect(),
        hint,
    }))
}
