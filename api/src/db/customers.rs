//! Rows of a customer's contacts, addresses and interactions (the customer row itself is
//! `models::CustomerRow`).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{customer_addresses, customer_contacts, interactions};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_contacts)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = customer_addresses)]
pub struct AddressRow {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = interactions)]
pub struct InteractionRow {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub channel: String,
    pub direction: String,
    pub summary: String,
    pub outcome: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub agent_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}
