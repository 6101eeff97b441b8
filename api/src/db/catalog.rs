//! Row types of the catalog: products and their immutable price versions, promotions and
//! the products they apply to, tax rates.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::schema::{product_versions, products, promotions, tax_rates};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: i64,
    pub code: String,
    /// `plan`, `addon` or `one_time`.
    pub kind: String,
    /// `internet`, `voice` or `tv` for plans; `None` otherwise.
    pub service: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub tax_category: String,
    pub radius_group: Option<String>,
    /// The pool subscriptions of this product take a static address from.
    pub ip_pool_id: Option<i64>,
    pub retired_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = products)]
pub struct NewProductRow<'a> {
    pub code: &'a str,
    pub kind: &'a str,
    pub service: Option<&'a str>,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub tax_category: &'a str,
    pub radius_group: Option<&'a str>,
    pub ip_pool_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One set of prices and terms of a product. Never updated (a database trigger refuses).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = product_versions)]
pub struct ProductVersionRow {
    pub id: i64,
    pub product_id: i64,
    pub version: i32,
    pub currency: String,
    pub monthly_price: Decimal,
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub data_cap_gb: Option<i32>,
    pub overage_per_gb: Option<Decimal>,
    pub contract_months: i32,
    pub early_termination_fee: Decimal,
    pub apply_to_existing: bool,
    pub valid_from: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = product_versions)]
pub struct NewProductVersionRow<'a> {
    pub product_id: i64,
    pub version: i32,
    pub currency: &'a str,
    pub monthly_price: Decimal,
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub data_cap_gb: Option<i32>,
    pub overage_per_gb: Option<Decimal>,
    pub contract_months: i32,
    pub early_termination_fee: Decimal,
    pub apply_to_existing: bool,
    pub valid_from: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = promotions)]
pub struct PromotionRow {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    /// `percent` or `amount`.
    pub kind: String,
    pub value: Decimal,
    pub currency: Option<String>,
    pub cycles: Option<i32>,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = promotions)]
pub struct NewPromotionRow<'a> {
    pub code: Option<&'a str>,
    pub name: &'a str,
    pub kind: &'a str,
    pub value: Decimal,
    pub currency: Option<&'a str>,
    pub cycles: Option<i32>,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = tax_rates)]
pub struct TaxRateRow {
    pub id: i64,
    pub zone: String,
    pub category: String,
    pub name: String,
    /// Percent, e.g. 8.25.
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    /// Exclusive; `None`: open-ended.
    pub valid_to: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tax_rates)]
pub struct NewTaxRateRow<'a> {
    pub zone: &'a str,
    pub category: &'a str,
    pub name: &'a str,
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}
