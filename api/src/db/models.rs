//! Row types: what diesel reads and writes. Request and response shapes live in routes/.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub credentials_changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: i64,
    pub family_id: uuid::Uuid,
    pub token_digest: Vec<u8>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshTokenRow {
    pub user_id: i64,
    pub family_id: uuid::Uuid,
    pub token_digest: Vec<u8>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    #[serde(skip)]
    pub secret_digest: Vec<u8>,
    pub scopes: Vec<String>,
    pub active: bool,
    pub created_by: Option<i64>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub credentials_changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_clients)]
pub struct NewApiClientRow<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub secret_digest: Vec<u8>,
    pub scopes: Vec<String>,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditRow<'a> {
    pub actor: &'a str,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub event_type: String,
    pub customer_id: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = events)]
pub struct NewEventRow<'a> {
    pub event_type: &'a str,
    pub customer_id: i64,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
    pub actor: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: i64,
    pub account_number: String,
    pub kind: String,
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub class_id: i64,
    pub tax_id: Option<String>,
    pub billing_cycle: String,
    pub billing_day: Option<i32>,
    pub invoice_delivery: String,
    pub autopay: bool,
    pub currency: String,
    pub tax_zone: String,
    pub tax_exempt: bool,
    pub tax_exemption_ref: Option<String>,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomerRow<'a> {
    pub account_number: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub company_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub status: &'a str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub class_id: i64,
    pub tax_id: Option<&'a str>,
    pub billing_cycle: &'a str,
    pub billing_day: Option<i32>,
    pub invoice_delivery: &'a str,
    pub autopay: bool,
    pub currency: &'a str,
    pub tax_zone: &'a str,
    pub tax_exempt: bool,
    pub tax_exemption_ref: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = customer_classes)]
pub struct CustomerClassRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub currency: String,
    pub credit_limit: Decimal,
    pub approval_threshold: Decimal,
    pub deposit_rule: String,
    pub deposit_amount: Option<Decimal>,
    pub deposit_months: Option<i32>,
    pub payment_terms_days: i32,
    pub payment_methods: Vec<String>,
    pub dunning_ladder: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub bill_customer_request_suspensions: bool,
}
