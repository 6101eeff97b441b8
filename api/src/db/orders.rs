//! Row types of orders and their lines.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::schema::{order_lines, orders};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub lead_id: Option<i64>,
    pub status: String,
    pub channel: String,
    pub currency: String,
    pub notes: Option<String>,
    pub one_time_subtotal: Decimal,
    pub one_time_tax: Decimal,
    pub monthly_subtotal: Decimal,
    pub monthly_tax: Decimal,
    pub credit_check: Option<serde_json::Value>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = order_lines)]
pub struct OrderLineRow {
    pub id: i64,
    pub order_id: i64,
    pub customer_id: i64,
    pub position: i32,
    pub action: String,
    pub kind: String,
    pub product_version_id: Option<i64>,
    pub promotion_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub description: String,
    pub quantity: i32,
    pub unit_monthly: Decimal,
    pub unit_one_time: Decimal,
    pub discount_monthly: Decimal,
    pub tax_rate: Decimal,
    pub monthly_amount: Decimal,
    pub monthly_tax: Decimal,
    pub one_time_amount: Decimal,
    pub one_time_tax: Decimal,
    pub created_at: DateTime<Utc>,
    /// The promotion's terms, frozen when it was applied: `percent` or `amount`.
    pub promotion_kind: Option<String>,
    pub promotion_value: Option<Decimal>,
    pub promotion_cycles: Option<i32>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_lines)]
pub struct NewOrderLineRow<'a> {
    pub order_id: i64,
    pub customer_id: i64,
    pub position: i32,
    pub action: &'a str,
    pub kind: &'a str,
    pub product_version_id: Option<i64>,
    pub promotion_id: Option<i64>,
    pub description: &'a str,
    pub quantity: i32,
    pub unit_monthly: Decimal,
    pub unit_one_time: Decimal,
    pub discount_monthly: Decimal,
    pub tax_rate: Decimal,
    pub monthly_amount: Decimal,
    pub monthly_tax: Decimal,
    pub one_time_amount: Decimal,
    pub one_time_tax: Decimal,
    pub created_at: DateTime<Utc>,
    pub promotion_kind: Option<&'a str>,
    pub promotion_value: Option<Decimal>,
    pub promotion_cycles: Option<i32>,
}
