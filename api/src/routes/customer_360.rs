//! The 360° view of a customer: everything an agent needs on one screen, in one call, and
//! the customer's timeline.

use actix_web::{get, web};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::db::{self, models::EventRow};
use crate::domain::money::for_display;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination;
use crate::services::customer_360::{self as service, TimelineFilter};
use crate::state::State;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(customer_overview).service(customer_timeline);
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewBilling {
    /// `calendar` or `anniversary`.
    pub cycle: String,
    /// Day of the month (1–28) of a calendar cycle.
    pub day: Option<i32>,
    /// `email`, `paper` or `portal`.
    pub invoice_delivery: String,
    pub autopay: bool,
    pub currency: String,
    pub tax_zone: String,
    pub tax_exempt: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewCustomer {
    pub id: i64,
    pub account_number: String,
    /// `residential` or `business`.
    pub kind: String,
    pub name: String,
    pub company_name: Option<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `active`, `suspended` or `closed`.
    pub status: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub billing: OverviewBilling,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewClass {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub currency: String,
    #[schema(value_type = String, example = "150.00")]
    pub credit_limit: Decimal,
    pub payment_terms_days: i32,
}

/// What the customer owes: the sum of their ledger, and the part of it past due.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewBalance {
    #[schema(value_type = String, example = "0.00")]
    pub amount: Decimal,
    #[schema(value_type = String, example = "0.00")]
    pub overdue: Decimal,
    pub currency: String,
}

/// A service the customer has on the network (a subscription).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewService {
    /// The subscription's id.
    pub id: i64,
    pub product_code: String,
    pub product_name: String,
    /// `plan` or `addon`.
    pub kind: String,
    /// `pending`, `active` or `suspended`.
    pub status: String,
    /// Monthly price after discount, before tax.
    #[schema(value_type = String)]
    pub monthly_price: Decimal,
    pub username: Option<String>,
    pub static_ip: Option<String>,
    pub suspend_reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub data_cap_gb: Option<i32>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewContact {
    pub id: i64,
    pub name: String,
    /// `primary`, `billing`, `technical` or `other`.
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewAddress {
    pub id: i64,
    /// `service` or `billing`.
    pub kind: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewOrder {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub channel: String,
    pub currency: String,
    /// Monthly charges with tax.
    #[schema(value_type = String, example = "39.00")]
    pub monthly_total: Decimal,
    /// One-time charges with tax.
    #[schema(value_type = String, example = "49.00")]
    pub one_time_total: Decimal,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewLead {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub converted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewInteraction {
    pub id: i64,
    pub channel: String,
    pub direction: String,
    pub summary: String,
    pub outcome: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub occurred_at: DateTime<Utc>,
    /// The agent who logged it.
    pub agent: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OverviewCounts {
    pub orders: i64,
    pub open_orders: i64,
    pub interactions: i64,
    pub leads: i64,
    /// Entries on the customer's timeline.
    pub timeline: i64,
}

/// Everything about one customer on one screen.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerOverview {
    pub customer: OverviewCustomer,
    pub class: OverviewClass,
    pub balance: OverviewBalance,
    /// Subscriptions that have not been terminated, oldest first.
    pub active_services: Vec<OverviewService>,
    pub contacts: Vec<OverviewContact>,
    pub addresses: Vec<OverviewAddress>,
    /// Orders not yet completed or cancelled, newest first (at most 10).
    pub open_orders: Vec<OverviewOrder>,
    /// The leads this customer was converted from.
    pub source_leads: Vec<OverviewLead>,
    /// The five latest interactions, newest first.
    pub last_interactions: Vec<OverviewInteraction>,
    pub counts: OverviewCounts,
}

impl CustomerOverview {
    /// Writes every amount with its currency's minor unit.
    fn for_display(mut self) -> Self {
        let currency = self.balance.currency.clone();
        self.balance.amount = for_display(self.balance.amount, &currency);
        self.balance.overdue = for_display(self.balance.overdue, &currency);
        self.class.credit_limit = for_display(self.class.credit_limit, &self.class.currency);
        for o in &mut self.open_orders {
            o.monthly_total = for_display(o.monthly_total, &o.currency);
            o.one_time_total = for_display(o.one_time_total, &o.currency);
        }
        for s in &mut self.active_services {
            s.monthly_price = for_display(s.monthly_price, &currency);
        }
        self
    }
}

/// The 360° overview of a customer.
///
/// Profile, class, balance and overdue amount (from the ledger), active services, open
/// orders, the leads the customer came from, the latest interactions and counts — in one
/// call, read in one database round trip.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The overview", body = CustomerOverview),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/overview")]
pub async fn customer_overview(
    state: State,
    id: web::Path<i64>,
) -> ApiResult<web::Json<CustomerOverview>> {
    let id = id.into_inner();
    let today = state.clock.now().date_naive();
    let document = db::run(&state.pool, move |conn| {
        service::overview_json(conn, id, today)
    })
    .await?;
    let overview: CustomerOverview = serde_json::from_str(&document).map_err(ApiError::internal)?;
    Ok(web::Json(overview.for_display()))
}

/// One entry of a customer's timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    pub id: i64,
    /// `<entity>.<verb>`, e.g. `order.submitted`.
    pub event_type: String,
    /// `customer`, `lead`, `order`, `interaction`, …
    pub entity_type: String,
    pub entity_id: String,
    /// Who did it: `user:<id>`, `api_client:<id>`, `anonymous` or `system`.
    pub actor: Option<String>,
    /// The user's or API client's name, when the actor is one that still exists.
    pub actor_name: Option<String>,
    /// The entity as it was after the change.
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

impl TimelineEntry {
    fn new(r: EventRow, names: &std::collections::HashMap<String, String>) -> Self {
        TimelineEntry {
            actor_name: r.actor.as_ref().and_then(|a| names.get(a).cloned()),
            id: r.id,
            event_type: r.event_type,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            actor: r.actor,
            payload: r.payload,
            occurred_at: r.occurred_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Comma-separated entity types to show, e.g. `order,lead,interaction`; all when absent.
    pub kind: Option<String>,
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A customer's timeline: every event, newest first.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), TimelineQuery),
    responses(
        (status = 200, description = "A page of events", body = TimelinePage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/timeline")]
pub async fn customer_timeline(
    state: State,
    id: web::Path<i64>,
    query: web::Query<TimelineQuery>,
) -> ApiResult<web::Json<TimelinePage>> {
    let id = id.into_inner();
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let mut entity_types = Vec::new();
    for kind in query.kind.iter().flat_map(|k| k.split(',')) {
        let kind = kind.trim();
        let well_formed = !kind.is_empty()
            && kind.len() <= 40
            && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !well_formed {
            return Err(ApiError::bad_request(
                "invalid_query",
                "kind must be a comma-separated list of entity types, e.g. order,lead",
            ));
        }
        entity_types.push(kind.to_owned());
    }
    let filter = TimelineFilter {
        entity_types,
        before_id: pagination::decode_cursor(query.cursor.as_deref())?,
    };
    let (rows, names) = db::run(&state.pool, move |conn| {
        let rows = service::timeline(conn, id, &filter, limit)?;
        let names = service::actor_names(conn, &rows)?;
        Ok((rows, names))
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(TimelinePage {
        items: rows
            .into_iter()
            .map(|r| TimelineEntry::new(r, &names))
            .collect(),
        next_cursor,
    }))
}
