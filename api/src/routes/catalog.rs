//! The catalog: products and their price versions, promotions, tax rates. Staff and
//! integrations (scope `catalog:read`) read it; managers and admins change it.
//!
//! Products, promotions and tax rates carry a `version` returned as the `ETag`; send it
//! back as `If-Match` with a `PATCH` and a stale edit is refused with 409
//! `version_conflict` (without `If-Match` the last write wins). Prices are never edited:
//! `POST /products/{id}/versions` adds a new version.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::FieldErrors;
use super::{etag, if_match, nullable};
use crate::db::{
    self,
    catalog::{ProductRow, ProductVersionRow, TaxRateRow},
};
use crate::domain::catalog::{self as rules, Terms};
use crate::domain::identity::DisplayName;
use crate::domain::money::for_display as money;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::catalog::{
    self as service, NewProduct, NewPromotion, NewTaxRate, NewVersion, ProductFilter, ProductPatch,
    PromotionFilter, PromotionPatch, PromotionWithProducts, TaxRateFilter, TaxRatePatch,
};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(delete_product)
        .service(add_product_version)
        .service(retire_product)
        .service(list_promotions)
        .service(create_promotion)
        .service(get_promotion)
        .service(update_promotion)
        .service(list_tax_rates)
        .service(create_tax_rate)
        .service(get_tax_rate)
        .service(update_tax_rate);
}

fn push_violations(errors: &mut FieldErrors, list: Vec<rules::Violation>) {
    for v in list {
        errors.add(v.field, v.code, v.message);
    }
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let text = value.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.add(field, "too_long", format!("at most {max} characters"));
        return None;
    }
    Some(text.to_owned())
}

// Products ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Plan,
    Addon,
    OneTime,
}

impl From<ProductKind> for rules::ProductKind {
    fn from(k: ProductKind) -> Self {
        match k {
            ProductKind::Plan => rules::ProductKind::Plan,
            ProductKind::Addon => rules::ProductKind::Addon,
            ProductKind::OneTime => rules::ProductKind::OneTime,
        }
    }
}

/// The service a plan delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Internet,
    Voice,
    Tv,
}

impl ServiceKind {
    fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Internet => "internet",
            ServiceKind::Voice => "voice",
            ServiceKind::Tv => "tv",
        }
    }
}

/// Where a version stands at the time of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// What new orders are priced at now.
    Current,
    /// Starts later (`valid_from` in the future).
    Scheduled,
    /// Replaced by a later version.
    Superseded,
}

/// One immutable set of prices and terms of a product.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProductVersion {
    pub id: i64,
    /// 1, 2, … per product.
    pub version: i32,
    pub status: VersionStatus,
    pub currency: String,
    #[schema(value_type = String, example = "29.00")]
    pub monthly_price: Decimal,
    /// The setup fee of a plan or add-on; the price of a one-time product.
    #[schema(value_type = String, example = "49.00")]
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    /// Null: unlimited.
    pub data_cap_gb: Option<i32>,
    #[schema(value_type = Option<String>, example = "0.50")]
    pub overage_per_gb: Option<Decimal>,
    pub contract_months: i32,
    #[schema(value_type = String, example = "100.00")]
    pub early_termination_fee: Decimal,
    /// Whether existing subscriptions move to this version from their next cycle.
    pub apply_to_existing: bool,
    pub valid_from: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl ProductVersion {
    fn from_row(row: ProductVersionRow, status: VersionStatus) -> Self {
        let c = row.currency.clone();
        ProductVersion {
            id: row.id,
            version: row.version,
            status,
            monthly_price: money(row.monthly_price, &c),
            one_time_price: money(row.one_time_price, &c),
            download_mbps: row.download_mbps,
            upload_mbps: row.upload_mbps,
            data_cap_gb: row.data_cap_gb,
            overage_per_gb: row.overage_per_gb.map(|o| money(o, &c)),
            contract_months: row.contract_months,
            early_termination_fee: money(row.early_termination_fee, &c),
            apply_to_existing: row.apply_to_existing,
            valid_from: row.valid_from,
            created_at: row.created_at,
            currency: row.currency,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    /// No new sales; existing subscriptions keep it.
    Retired,
}

/// A product with the version it sells at now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: i64,
    pub code: String,
    pub kind: ProductKind,
    /// The service of a plan; null for add-ons and one-time products.
    pub service: Option<ServiceKind>,
    pub name: String,
    pub description: Option<String>,
    pub tax_category: String,
    /// The FreeRADIUS group a plan's subscribers are put in.
    pub radius_group: Option<String>,
    /// Subscriptions of this product get a static address from this pool.
    pub ip_pool_id: Option<i64>,
    pub status: ProductStatus,
    pub retired_at: Option<DateTime<Utc>>,
    /// The version valid now; null while the first version has not started.
    pub current_version: Option<ProductVersion>,
    /// Increases with every change of the descriptive fields; send it back as `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

impl Product {
    fn from_rows(row: ProductRow, current: Option<ProductVersionRow>) -> Self {
        Product {
            id: row.id,
            kind: parse_enum(&row.kind).unwrap_or(ProductKind::Plan),
            service: row.service.as_deref().and_then(parse_enum),
            status: if row.retired_at.is_some() {
                ProductStatus::Retired
            } else {
                ProductStatus::Active
            },
            current_version: current.map(|v| ProductVersion::from_row(v, VersionStatus::Current)),
            code: row.code,
            name: row.name,
            description: row.description,
            tax_category: row.tax_category,
            radius_group: row.radius_group,
            ip_pool_id: row.ip_pool_id,
            retired_at: row.retired_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A product with its whole price history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProductDetail {
    #[serde(flatten)]
    pub product: Product,
    /// Every version, newest first.
    pub versions: Vec<ProductVersion>,
}

fn detail(row: ProductRow, versions: Vec<ProductVersionRow>, now: DateTime<Utc>) -> ProductDetail {
    let pairs: Vec<(i32, DateTime<Utc>)> =
        versions.iter().map(|v| (v.version, v.valid_from)).collect();
    let current = rules::current_version(&pairs, now);
    let status_of = |v: &ProductVersionRow| match current {
        Some(c) if v.version == c => VersionStatus::Current,
        _ if v.valid_from > now => VersionStatus::Scheduled,
        _ => VersionStatus::Superseded,
    };
    let current_row = versions
        .iter()
        .find(|v| Some(v.version) == current)
        .cloned();
    ProductDetail {
        product: Product::from_rows(row, current_row),
        versions: versions
            .into_iter()
            .map(|v| {
                let status = status_of(&v);
                ProductVersion::from_row(v, status)
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<Product>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    pub kind: Option<ProductKind>,
    pub service: Option<ServiceKind>,
    /// Include retired products (default false).
    pub include_retired: Option<bool>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A new product and its first version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    /// Upper-case letters, digits, `_` and `-` (lower case is upper-cased), e.g. `FIBER-100`.
    #[schema(example = "FIBER-100", max_length = 40)]
    pub code: String,
    pub kind: ProductKind,
    /// Required for plans; absent for add-ons and one-time products.
    pub service: Option<ServiceKind>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Lower-case, e.g. `telecom`: which tax rates apply.
    #[schema(example = "telecom")]
    pub tax_category: String,
    #[schema(example = "fiber_100")]
    pub radius_group: Option<String>,
    /// A static-address pool (`/ip-pools`) the product's subscriptions take an address from.
    pub ip_pool_id: Option<i64>,
    /// ISO 4217, e.g. `USD`.
    #[schema(example = "USD")]
    pub currency: String,
    #[schema(value_type = String, example = "29.00")]
    pub monthly_price: Decimal,
    /// The setup fee (plans, add-ons) or the price (one-time products); default 0.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "49.00")]
    pub one_time_price: Decimal,
    #[schema(minimum = 1)]
    pub download_mbps: Option<i32>,
    #[schema(minimum = 1)]
    pub upload_mbps: Option<i32>,
    /// Absent or null: unlimited.
    #[schema(minimum = 1)]
    pub data_cap_gb: Option<i32>,
    /// Required with a data cap.
    #[schema(value_type = Option<String>, example = "0.50")]
    pub overage_per_gb: Option<Decimal>,
    /// 0–120; default 0 (no contract).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120)]
    pub contract_months: i32,
    /// Needs a contract; default 0.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "100.00")]
    pub early_termination_fee: Decimal,
    /// When the first version starts; default now; not in the past.
    pub valid_from: Option<DateTime<Utc>>,
}

/// A new price version: the complete set of prices and terms, replacing the previous
/// version's from `valid_from` on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVersionRequest {
    /// Default: the product's currency, which a version cannot change.
    #[schema(example = "USD")]
    pub currency: Option<String>,
    #[schema(value_type = String, example = "31.00")]
    pub monthly_price: Decimal,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "49.00")]
    pub one_time_price: Decimal,
    #[schema(minimum = 1)]
    pub download_mbps: Option<i32>,
    #[schema(minimum = 1)]
    pub upload_mbps: Option<i32>,
    #[schema(minimum = 1)]
    pub data_cap_gb: Option<i32>,
    #[schema(value_type = Option<String>, example = "0.50")]
    pub overage_per_gb: Option<Decimal>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 120)]
    pub contract_months: i32,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "100.00")]
    pub early_termination_fee: Decimal,
    /// Default now; neither in the past nor before the latest version's start.
    pub valid_from: Option<DateTime<Utc>>,
    /// Move existing subscriptions to this version from their next cycle (default false:
    /// only new orders get it).
    #[serde(default)]
    pub apply_to_existing: bool,
}

/// Descriptive fields to change; absent fields stay, `null` clears an optional one.
/// Prices are changed by adding a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable, max_length = 2000)]
    pub description: Option<Option<String>>,
    pub tax_category: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, nullable)]
    pub radius_group: Option<Option<String>>,
    /// `null` stops handing out static addresses (existing ones stay).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, nullable)]
    pub ip_pool_id: Option<Option<i64>>,
}

fn name_of(errors: &mut FieldErrors, value: &str) -> Option<String> {
    errors
        .check("name", DisplayName::parse(value))
        .map(|n| n.as_str().to_owned())
}

/// List products by id, with the version each sells at now.
#[utoipa::path(
    tag = "catalog",
    params(ProductQuery),
    responses(
        (status = 200, description = "A page of products", body = ProductPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/products")]
pub async fn list_products(
    state: State,
    ctx: RequestContext,
    query: web::Query<ProductQuery>,
) -> ApiResult<web::Json<ProductPage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let filter = ProductFilter {
        kind: q.kind.map(Into::into),
        service: q.service.map(|s| s.as_str().to_owned()),
        include_retired: q.include_retired.unwrap_or(false),
        after_id: pagination::decode_cursor(q.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list_products(conn, &filter, ctx.now, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |(p, _)| p.id);
    Ok(web::Json(ProductPage {
        items: rows
            .into_iter()
            .map(|(p, v)| Product::from_rows(p, v))
            .collect(),
        next_cursor,
    }))
}

/// Create a product with its first price version, in one transaction.
#[utoipa::path(
    tag = "catalog",
    request_body = CreateProductRequest,
    responses(
        (status = 201, description = "Created", body = ProductDetail),
        (status = 409, description = "`product_code_taken`, `radius_group_taken`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/products")]
pub async fn create_product(
    state: State,
    ctx: RequestContext,
    body: Json<CreateProductRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let code = errors.check("code", rules::parse_code(&b.code));
    let name = name_of(&mut errors, &b.name);
    let description = optional_text(&mut errors, "description", b.description.as_deref(), 2000);
    let tax_category = errors.check("tax_category", rules::parse_tax_category(&b.tax_category));
    let radius_group = match b.radius_group.as_deref() {
        Some(g) => errors.check("radius_group", rules::parse_radius_group(g)),
        None => None,
    };
    let kind: rules::ProductKind = b.kind.into();
    let terms = Terms {
        currency: b.currency.trim().to_owned(),
        monthly_price: b.monthly_price,
        one_time_price: b.one_time_price,
        download_mbps: b.download_mbps,
        upload_mbps: b.upload_mbps,
        data_cap_gb: b.data_cap_gb,
        overage_per_gb: b.overage_per_gb,
        contract_months: b.contract_months,
        early_termination_fee: b.early_termination_fee,
    };
    let service_name = b.service.map(|s| s.as_str().to_owned());
    push_violations(
        &mut errors,
        service::check_service(kind, service_name.as_deref()),
    );
    push_violations(&mut errors, rules::check_terms(kind, &terms));
    if b.valid_from.is_some_and(|from| from < ctx.now) {
        errors.add("valid_from", "invalid", "must not be in the past");
    }
    errors.finish()?;
    let (Some(code), Some(name), Some(tax_category)) = (code, name, tax_category) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewProduct {
        code,
        kind,
        service: service_name,
        name,
        description,
        tax_category,
        radius_group,
        ip_pool_id: b.ip_pool_id,
        terms,
        valid_from: b.valid_from,
    };
    let now = ctx.now;
    let (product, version) = db::run(&state.pool, move |conn| {
        service::create_product(conn, &ctx, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/products/{}", product.id)))
        .insert_header(etag(product.version))
        .json(detail(product, vec![version], now)))
}

/// Get a product with its current version and its whole price history; its version is the
/// `ETag`. Retired products stay readable.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductDetail),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/products/{id}")]
pub async fn get_product(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (row, versions) = db::run(&state.pool, move |conn| {
        let row = service::find_product(conn, id)?;
        let versions = service::versions_of(conn, id)?;
        Ok((row, versions))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(detail(row, versions, ctx.now)))
}

async fn product_detail_response(
    state: &State,
    row: ProductRow,
    now: DateTime<Utc>,
) -> ApiResult<HttpResponse> {
    let id = row.id;
    let versions = db::run(&state.pool, move |conn| service::versions_of(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(detail(row, versions, now)))
}

/// Change a product's name, description, tax category or RADIUS group — never its prices.
///
/// Send the `ETag` you read as `If-Match`; if someone changed the product since, the answer
/// is 409 `version_conflict` and nothing is written.
#[utoipa::path(
    tag = "catalog",
    params(
        ("id" = i64, Path, description = "Product id"),
        ("If-Match" = Option<String>, Header, description = "The product's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateProductRequest,
    responses(
        (status = 200, description = "Updated", body = ProductDetail),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `radius_group_taken`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/products/{id}")]
pub async fn update_product(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateProductRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "record")?;
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = b.name.as_deref().and_then(|n| name_of(&mut errors, n));
    let description = b
        .description
        .map(|d| optional_text(&mut errors, "description", d.as_deref(), 2000));
    let tax_category = b
        .tax_category
        .as_deref()
        .and_then(|c| errors.check("tax_category", rules::parse_tax_category(c)));
    let radius_group = match b.radius_group {
        None => None,
        Some(None) => Some(None),
        Some(Some(g)) => errors
            .check("radius_group", rules::parse_radius_group(&g))
            .map(Some),
    };
    errors.finish()?;
    let patch = ProductPatch {
        name,
        description,
        tax_category,
        radius_group,
        ip_pool_id: b.ip_pool_id,
    };
    let now = ctx.now;
    let row = db::run(&state.pool, move |conn| {
        service::update_product(conn, &ctx, id, expected, patch)
    })
    .await?;
    product_detail_response(&state, row, now).await
}

/// Delete a product that nothing refers to (created by mistake). A product that order
/// lines, leads or promotions name is refused with 409 `product_in_use`: retire it instead.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Deleted with its versions"),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`product_in_use`", body = Problem),
    )
)]
#[delete("/products/{id}")]
pub async fn delete_product(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        service::delete_product(conn, &ctx, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change a product's prices or terms: add a version numbered previous + 1.
///
/// The version is a complete set of terms. It applies to orders from `valid_from` (now or
/// later, not before the latest version) and, with `apply_to_existing`, to existing
/// subscriptions from their next cycle. A retired product takes no new versions.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    request_body = CreateVersionRequest,
    responses(
        (status = 201, description = "The new version", body = ProductVersion),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`product_retired`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/products/{id}/versions")]
pub async fn add_product_version(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<CreateVersionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let new = NewVersion {
        currency: b.currency.map(|c| c.trim().to_owned()),
        terms: Terms {
            currency: String::new(),
            monthly_price: b.monthly_price,
            one_time_price: b.one_time_price,
            download_mbps: b.download_mbps,
            upload_mbps: b.upload_mbps,
            data_cap_gb: b.data_cap_gb,
            overage_per_gb: b.overage_per_gb,
            contract_months: b.contract_months,
            early_termination_fee: b.early_termination_fee,
        },
        valid_from: b.valid_from,
        apply_to_existing: b.apply_to_existing,
    };
    let now = ctx.now;
    let row = db::run(&state.pool, move |conn| {
        service::add_version(conn, &ctx, id, new)
    })
    .await?;
    let status = if row.valid_from > now {
        VersionStatus::Scheduled
    } else {
        VersionStatus::Current
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/products/{id}")))
        .json(ProductVersion::from_row(row, status)))
}

/// Retire a product: no new sales from now on; existing subscriptions keep it and it stays
/// readable. Retiring a retired product changes nothing.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "Retired", body = ProductDetail),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[post("/products/{id}/retire")]
pub async fn retire_product(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = ctx.now;
    let row = db::run(&state.pool, move |conn| {
        service::retire_product(conn, &ctx, id)
    })
    .await?;
    product_detail_response(&state, row, now).await
}

// Promotions -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PromotionKind {
    /// `value` percent off the monthly price.
    Percent,
    /// `value` in `currency` off the monthly price.
    Amount,
}

/// A discount on the monthly price of eligible plans and add-ons.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Promotion {
    pub id: i64,
    /// The code a customer quotes; null for promotions agents apply without one.
    pub code: Option<String>,
    pub name: String,
    pub kind: PromotionKind,
    /// A percentage (0–100] or an amount per month.
    #[schema(value_type = String, example = "50")]
    pub value: Decimal,
    /// For amounts.
    pub currency: Option<String>,
    /// Billing cycles it lasts; null: forever.
    pub cycles: Option<i32>,
    pub valid_from: DateTime<Utc>,
    /// Exclusive; null: open-ended.
    pub valid_to: Option<DateTime<Utc>>,
    pub active: bool,
    /// The plans and add-ons it applies to.
    pub product_ids: Vec<i64>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PromotionWithProducts> for Promotion {
    fn from(p: PromotionWithProducts) -> Self {
        let row = p.promotion;
        let value = match &row.currency {
            Some(c) => money(row.value, c),
            None => row.value.normalize(),
        };
        Promotion {
            id: row.id,
            kind: parse_enum(&row.kind).unwrap_or(PromotionKind::Percent),
            value,
            code: row.code,
            name: row.name,
            currency: row.currency,
            cycles: row.cycles,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            active: row.active,
            product_ids: p.product_ids,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PromotionPage {
    pub items: Vec<Promotion>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PromotionQuery {
    /// The promotion with this code.
    pub code: Option<String>,
    pub active: Option<bool>,
    /// Promotions that apply to this product.
    pub product_id: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromotionRequest {
    /// Optional; upper-cased; unique.
    #[schema(example = "WELCOME3", max_length = 40)]
    pub code: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub kind: PromotionKind,
    #[schema(value_type = String, example = "50")]
    pub value: Decimal,
    /// Required for amounts, absent for percentages.
    pub currency: Option<String>,
    /// 1–120 billing cycles; absent or null: forever.
    #[schema(minimum = 1, maximum = 120)]
    pub cycles: Option<i32>,
    /// Default now.
    pub valid_from: Option<DateTime<Utc>>,
    /// Exclusive; after `valid_from`.
    pub valid_to: Option<DateTime<Utc>>,
    /// Default true.
    pub active: Option<bool>,
    /// Plans and add-ons it applies to (at least one; not one-time products).
    pub product_ids: Vec<i64>,
}

/// Fields to change; absent fields stay. The discount, code and start are fixed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePromotionRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// A new end (not in the past), or null for open-ended.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>, nullable)]
    pub valid_to: Option<Option<DateTime<Utc>>>,
    pub active: Option<bool>,
    /// Replaces the eligible products.
    pub product_ids: Option<Vec<i64>>,
}

/// List promotions by id.
#[utoipa::path(
    tag = "catalog",
    params(PromotionQuery),
    responses(
        (status = 200, description = "A page of promotions", body = PromotionPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/promotions")]
pub async fn list_promotions(
    state: State,
    query: web::Query<PromotionQuery>,
) -> ApiResult<web::Json<PromotionPage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let filter = PromotionFilter {
        code: q.code,
        active: q.active,
        product_id: q.product_id,
        after_id: pagination::decode_cursor(q.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list_promotions(conn, &filter, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |p| p.promotion.id);
    Ok(web::Json(PromotionPage {
        items: rows.into_iter().map(Promotion::from).collect(),
        next_cursor,
    }))
}

/// Create a promotion.
#[utoipa::path(
    tag = "catalog",
    request_body = CreatePromotionRequest,
    responses(
        (status = 201, description = "Created", body = Promotion),
        (status = 409, description = "`promotion_code_taken`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/promotions")]
pub async fn create_promotion(
    state: State,
    ctx: RequestContext,
    body: Json<CreatePromotionRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let code = match b.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => errors.check("code", rules::parse_code(c)),
        None => None,
    };
    let name = name_of(&mut errors, &b.name);
    let kind = match b.kind {
        PromotionKind::Percent => rules::PromotionKind::Percent,
        PromotionKind::Amount => rules::PromotionKind::Amount,
    };
    let currency = b.currency.map(|c| c.trim().to_owned());
    push_violations(
        &mut errors,
        rules::check_promotion_value(kind, b.value, currency.as_deref(), b.cycles),
    );
    let valid_from = b.valid_from.unwrap_or(ctx.now);
    push_violations(
        &mut errors,
        rules::check_period("valid_to", valid_from, b.valid_to)
            .into_iter()
            .collect(),
    );
    if b.product_ids.is_empty() {
        errors.add("product_ids", "required", "at least one plan or add-on");
    }
    errors.finish()?;
    let Some(name) = name else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewPromotion {
        code,
        name,
        kind,
        value: b.value,
        currency,
        cycles: b.cycles,
        valid_from: Some(valid_from),
        valid_to: b.valid_to,
        active: b.active.unwrap_or(true),
        product_ids: b.product_ids,
    };
    let row = db::run(&state.pool, move |conn| {
        service::create_promotion(conn, &ctx, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/promotions/{}", row.promotion.id),
        ))
        .insert_header(etag(row.promotion.version))
        .json(Promotion::from(row)))
}

/// Get a promotion; its version is the `ETag`.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Promotion id")),
    responses(
        (status = 200, description = "The promotion", body = Promotion),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/promotions/{id}")]
pub async fn get_promotion(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find_promotion(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.promotion.version))
        .json(Promotion::from(row)))
}

/// Change a promotion's name, end, active flag or eligible products (`If-Match` as for
/// products).
#[utoipa::path(
    tag = "catalog",
    params(
        ("id" = i64, Path, description = "Promotion id"),
        ("If-Match" = Option<String>, Header, description = "The promotion's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdatePromotionRequest,
    responses(
        (status = 200, description = "Updated", body = Promotion),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/promotions/{id}")]
pub async fn update_promotion(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdatePromotionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "record")?;
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = b.name.as_deref().and_then(|n| name_of(&mut errors, n));
    if b.product_ids.as_ref().is_some_and(Vec::is_empty) {
        errors.add("product_ids", "required", "at least one plan or add-on");
    }
    errors.finish()?;
    let patch = PromotionPatch {
        name,
        valid_to: b.valid_to,
        active: b.active,
        product_ids: b.product_ids,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_promotion(conn, &ctx, id, expected, patch)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.promotion.version))
        .json(Promotion::from(row)))
}

// Tax rates --------------------------------------------------------------------------------

/// A tax rate of a zone and category over a period of days.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaxRate {
    pub id: i64,
    #[schema(example = "DEFAULT")]
    pub zone: String,
    #[schema(example = "telecom")]
    pub category: String,
    pub name: String,
    /// Percent, e.g. `8.25`.
    #[schema(value_type = String, example = "8.25")]
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    /// Exclusive; null: open-ended.
    pub valid_to: Option<NaiveDate>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl From<TaxRateRow> for TaxRate {
    fn from(r: TaxRateRow) -> Self {
        TaxRate {
            id: r.id,
            zone: r.zone,
            category: r.category,
            name: r.name,
            rate: r.rate.normalize(),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            version: r.version,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaxRatePage {
    pub items: Vec<TaxRate>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaxRateQuery {
    pub zone: Option<String>,
    pub category: Option<String>,
    /// Only rates valid on this day (YYYY-MM-DD).
    pub on: Option<NaiveDate>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaxRateRequest {
    /// Upper-cased, e.g. `DEFAULT` or `US-TX`.
    #[schema(example = "DEFAULT", max_length = 32)]
    pub zone: String,
    #[schema(example = "telecom", max_length = 32)]
    pub category: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Percent, 0–100.
    #[schema(value_type = String, example = "8.25")]
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    /// Exclusive; absent: open-ended.
    pub valid_to: Option<NaiveDate>,
}

/// Rename a rate or move its end; the rate itself is fixed (a new rate is a new row).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaxRateRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// The first day it no longer applies (today or later), or null for open-ended.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>, nullable)]
    pub valid_to: Option<Option<NaiveDate>>,
}

/// List tax rates by id.
#[utoipa::path(
    tag = "catalog",
    params(TaxRateQuery),
    responses(
        (status = 200, description = "A page of tax rates", body = TaxRatePage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/tax-rates")]
pub async fn list_tax_rates(
    state: State,
    query: web::Query<TaxRateQuery>,
) -> ApiResult<web::Json<TaxRatePage>> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let filter = TaxRateFilter {
        zone: q.zone.map(|z| z.trim().to_ascii_uppercase()),
        category: q.category,
        on: q.on,
        after_id: pagination::decode_cursor(q.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list_tax_rates(conn, &filter, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.id);
    Ok(web::Json(TaxRatePage {
        items: rows.into_iter().map(TaxRate::from).collect(),
        next_cursor,
    }))
}

/// Create a tax rate. Periods of one zone and category never overlap: a rate that would is
/// refused with 409 `tax_rate_overlap` (end the current one first).
#[utoipa::path(
    tag = "catalog",
    request_body = CreateTaxRateRequest,
    responses(
        (status = 201, description = "Created", body = TaxRate),
        (status = 409, description = "`tax_rate_overlap`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/tax-rates")]
pub async fn create_tax_rate(
    state: State,
    ctx: RequestContext,
    body: Json<CreateTaxRateRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let zone = errors.check("zone", rules::parse_zone(&b.zone));
    let category = errors.check("category", rules::parse_tax_category(&b.category));
    let name = name_of(&mut errors, &b.name);
    if let Some(v) = rules::check_tax_rate(b.rate) {
        errors.add(v.field, v.code, v.message);
    }
    if let Some(v) = rules::check_period("valid_to", b.valid_from, b.valid_to) {
        errors.add(v.field, v.code, v.message);
    }
    errors.finish()?;
    let (Some(zone), Some(category), Some(name)) = (zone, category, name) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let new = NewTaxRate {
        zone,
        category,
        name,
        rate: b.rate,
        valid_from: b.valid_from,
        valid_to: b.valid_to,
    };
    let row = db::run(&state.pool, move |conn| {
        service::create_tax_rate(conn, &ctx, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tax-rates/{}", row.id)))
        .insert_header(etag(row.version))
        .json(TaxRate::from(row)))
}

/// Get a tax rate; its version is the `ETag`.
#[utoipa::path(
    tag = "catalog",
    params(("id" = i64, Path, description = "Tax rate id")),
    responses(
        (status = 200, description = "The tax rate", body = TaxRate),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/tax-rates/{id}")]
pub async fn get_tax_rate(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find_tax_rate(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(TaxRate::from(row)))
}

/// End a tax rate (set `valid_to`) or rename it (`If-Match` as for products). Extending a
/// rate into the next one's period is refused with 409 `tax_rate_overlap`.
#[utoipa::path(
    tag = "catalog",
    params(
        ("id" = i64, Path, description = "Tax rate id"),
        ("If-Match" = Option<String>, Header, description = "The rate's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateTaxRateRequest,
    responses(
        (status = 200, description = "Updated", body = TaxRate),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `tax_rate_overlap`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/tax-rates/{id}")]
pub async fn update_tax_rate(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateTaxRateRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "record")?;
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let name = b.name.as_deref().and_then(|n| name_of(&mut errors, n));
    errors.finish()?;
    let patch = TaxRatePatch {
        name,
        valid_to: b.valid_to,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_tax_rate(conn, &ctx, id, expected, patch)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(TaxRate::from(row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "nullable")]
        v: Option<Option<i32>>,
    }

    #[test]
    fn null_and_absent_differ_in_a_patch() {
        let absent: Patch = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.v, None);
        let null: Patch = serde_json::from_str(r#"{"v": null}"#).unwrap();
        assert_eq!(null.v, Some(None));
        let set: Patch = serde_json::from_str(r#"{"v": 3}"#).unwrap();
        assert_eq!(set.v, Some(Some(3)));
    }
}
