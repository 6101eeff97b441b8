//! Lead rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::leads;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = leads)]
pub struct LeadRow {
    pub id: i64,
    pub status: String,
    pub lost_reason: Option<String>,
    pub kind: String,
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub source: String,
    pub interest_product_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub serviceability_note: Option<String>,
    pub customer_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    pub merged_into_id: Option<i64>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The client address a portal lead came from (for the form's rate limit); not shown.
    #[serde(skip)]
    pub client_address: Option<String>,
}
