//! The 360° view of a customer and their timeline.
//!
//! The overview is read in one round trip: a single statement builds the whole document
//! with `json_build_object` and correlated subselects, each served by an index on
//! `customer_id`. That is what lets an agent's screen open in a few milliseconds on a
//! database of 100k customers.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};
use diesel::PgConnection;

use crate::db::models::EventRow;
use crate::db::schema::{customers, events};
use crate::error::{ApiError, ApiResult};

/// Orders in these states are still "open": not yet done and not abandoned.
pub const OPEN_ORDER_STATUSES: &[&str] = &[
    "draft",
    "submitted",
    "pending_approval",
    "approved",
    "provisioning",
];

const OVERVIEW_SQL: &str = r#"
SELECT json_build_object(
  'customer', json_build_object(
     'id', c.id, 'account_number', c.account_number, 'kind', c.kind, 'name', c.name,
     'company_name', c.company_name, 'tax_id', c.tax_id, 'email', c.email, 'phone', c.phone,
     'status', c.status, 'version', c.version, 'created_at', c.created_at,
     'billing', json_build_object(
        'cycle', c.billing_cycle, 'day', c.billing_day, 'invoice_delivery', c.invoice_delivery,
        'autopay', c.autopay, 'currency', c.currency, 'tax_zone', c.tax_zone,
        'tax_exempt', c.tax_exempt)),
  'class', json_build_object('id', k.id, 'code', k.code, 'name', k.name,
     'currency', k.currency, 'credit_limit', k.credit_limit::text, 'payment_terms_days', k.payment_terms_days),
  'balance', (SELECT json_build_object('amount', s.balance::text, 'overdue', s.overdue::text, 'currency', c.currency)
              FROM ledger_standing(c.id, $2) s),
  -- Subscriptions arrive with provisioning; until then a customer has no active services.
  'active_services', '[]'::json,
  'contacts', coalesce((SELECT json_agg(json_build_object(
        'id', x.id, 'name', x.name, 'role', x.role, 'email', x.email, 'phone', x.phone) ORDER BY x.id)
     FROM customer_contacts x WHERE x.customer_id = c.id), '[]'),
  'addresses', coalesce((SELECT json_agg(json_build_object(
        'id', a.id, 'kind', a.kind, 'line1', a.line1, 'line2', a.line2, 'city', a.city,
        'region', a.region, 'postal_code', a.postal_code, 'country', a.country) ORDER BY a.id)
     FROM customer_addresses a WHERE a.customer_id = c.id), '[]'),
  'open_orders', coalesce((SELECT json_agg(o ORDER BY o.id DESC) FROM (
        SELECT id, number, status, channel, currency,
               (monthly_subtotal + monthly_tax)::text AS monthly_total,
               (one_time_subtotal + one_time_tax)::text AS one_time_total, created_at
        FROM orders WHERE customer_id = c.id AND status = ANY ($3)
        ORDER BY id DESC LIMIT 10) o), '[]'),
  'source_leads', coalesce((SELECT json_agg(l ORDER BY l.id DESC) FROM (
        SELECT id, name, source, status, created_at, converted_at
        FROM leads WHERE customer_id = c.id ORDER BY id DESC LIMIT 10) l), '[]'),
  'last_interactions', coalesce((SELECT json_agg(i ORDER BY i.occurred_at DESC, i.id DESC) FROM (
        SELECT x.id, x.channel, x.direction, x.summary, x.outcome, x.follow_up_on,
               x.occurred_at, u.name AS agent
        FROM interactions x LEFT JOIN users u ON u.id = x.agent_id
        WHERE x.customer_id = c.id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 5) i), '[]'),
  'counts', json_build_object(
     'orders', (SELECT count(*) FROM orders WHERE customer_id = c.id),
     'open_orders', (SELECT count(*) FROM orders WHERE customer_id = c.id AND status = ANY ($3)),
     'interactions', (SELECT count(*) FROM interactions WHERE customer_id = c.id),
     'leads', (SELECT count(*) FROM leads WHERE customer_id = c.id),
     'timeline', (SELECT count(*) FROM events WHERE customer_id = c.id))
)::text AS document
FROM customers c JOIN customer_classes k ON k.id = c.class_id
WHERE c.id = $1
"#;

#[derive(QueryableByName)]
struct Document {
    #[diesel(sql_type = Text)]
    document: String,
}

/// The overview document of one customer, as JSON text, standing computed for `today`.
pub fn overview_json(
    conn: &mut PgConnection,
    customer_id: i64,
    today: NaiveDate,
) -> ApiResult<String> {
    let statuses: Vec<&str> = OPEN_ORDER_STATUSES.to_vec();
    diesel::sql_query(OVERVIEW_SQL)
        .bind::<BigInt, _>(customer_id)
        .bind::<Date, _>(today)
        .bind::<diesel::sql_types::Array<Text>, _>(statuses)
        .get_result::<Document>(conn)
        .optional()?
        .map(|d| d.document)
        .ok_or_else(|| ApiError::not_found("customer"))
}

/// Which events a timeline page shows.
#[derive(Debug, Default)]
pub struct TimelineFilter {
    /// Entity types, e.g. `order`, `lead`, `interaction`; empty: all.
    pub entity_types: Vec<String>,
    /// Only events with an id below this (the cursor).
    pub before_id: Option<i64>,
}

/// The customer's events, newest first, `limit + 1` rows so the caller can tell whether a
/// next page exists. 404 when the customer does not exist.
pub fn timeline(
    conn: &mut PgConnection,
    customer_id: i64,
    filter: &TimelineFilter,
    limit: i64,
) -> ApiResult<Vec<EventRow>> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(customers::table.find(customer_id))).get_result(conn)?;
    if !exists {
        return Err(ApiError::not_found("customer"));
    }
    let mut query = events::table
        .filter(events::customer_id.eq(customer_id))
        .select(EventRow::as_select())
        .order(events::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if !filter.entity_types.is_empty() {
        query = query.filter(events::entity_type.eq_any(filter.entity_types.clone()));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(events::id.lt(before));
    }
    Ok(query.load(conn)?)
}
