//! The catalog: products and their price versions, promotions, tax rates. Managers change
//! it; every change is one transaction with its audit row (catalog changes concern no
//! customer, so they have no timeline event).
//!
//! Also the look-ups order taking uses: `current_version`, `tax_rate_on` and
//! `applicable_promotion`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::catalog::{
    NewProductRow, NewProductVersionRow, NewPromotionRow, NewTaxRateRow, ProductRow,
    ProductVersionRow, PromotionRow, TaxRateRow,
};
use crate::db::schema::{
    leads, order_lines, product_versions, products, promotion_products, promotions, tax_rates,
};
use crate::domain::catalog::{self as rules, LatestVersion, ProductKind, Terms, Violation};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

fn violations(list: Vec<Violation>) -> ApiError {
    ApiError::validation(
        list.into_iter()
            .map(|v| FieldError::new(v.field, v.code, v.message))
            .collect(),
    )
}

// Products ---------------------------------------------------------------------------------

/// A product to create, already checked at the edge except for the rules that need its
/// kind (applied here too, so a service caller cannot skip them).
#[derive(Debug)]
pub struct NewProduct {
    pub code: String,
    pub kind: ProductKind,
    pub service: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub tax_category: String,
    pub radius_group: Option<String>,
    /// Subscriptions get a static address from this pool (plans and add-ons).
    pub ip_pool_id: Option<i64>,
    pub terms: Terms,
    /// When the first version starts; `None`: now.
    pub valid_from: Option<DateTime<Utc>>,
}

/// A new price version of an existing product.
#[derive(Debug)]
pub struct NewVersion {
    /// `None`: the product's currency.
    pub currency: Option<String>,
    pub terms: Terms,
    pub valid_from: Option<DateTime<Utc>>,
    pub apply_to_existing: bool,
}

/// Descriptive fields to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub tax_category: Option<String>,
    pub radius_group: Option<Option<String>>,
    pub ip_pool_id: Option<Option<i64>>,
}

#[derive(Debug, Default, Clone)]
pub struct ProductFilter {
    pub kind: Option<ProductKind>,
    pub service: Option<String>,
    pub include_retired: bool,
    /// The cursor: products with a greater id.
    pub after_id: Option<i64>,
}

/// Products by id, ascending, with their current version at `at`; `limit + 1` rows.
pub fn list_products(
    conn: &mut PgConnection,
    filter: &ProductFilter,
    at: DateTime<Utc>,
    limit: i64,
) -> ApiResult<Vec<(ProductRow, Option<ProductVersionRow>)>> {
    let mut query = products::table
        .filter(products::id.gt(filter.after_id.unwrap_or(0)))
        .order(products::id.asc())
        .limit(limit + 1)
        .select(ProductRow::as_select())
        .into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(products::kind.eq(kind.as_str()));
    }
    if let Some(service) = &filter.service {
        query = query.filter(products::service.eq(service.clone()));
    }
    if !filter.include_retired {
        query = query.filter(products::retired_at.is_null());
    }
    let rows: Vec<ProductRow> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let current: Vec<ProductVersionRow> = product_versions::table
        .filter(product_versions::product_id.eq_any(&ids))
        .filter(product_versions::valid_from.le(at))
        .distinct_on(product_versions::product_id)
        .order((
            product_versions::product_id.asc(),
            product_versions::version.desc(),
        ))
        .select(ProductVersionRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let version = current.iter().find(|v| v.product_id == p.id).cloned();
            (p, version)
        })
        .collect())
}

pub fn find_product(conn: &mut PgConnection, id: i64) -> ApiResult<ProductRow> {
    products::table
        .find(id)
        .select(ProductRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("product"))
}

/// Every version of a product, newest first.
pub fn versions_of(conn: &mut PgConnection, product_id: i64) -> ApiResult<Vec<ProductVersionRow>> {
    Ok(product_versions::table
        .filter(product_versions::product_id.eq(product_id))
        .order(product_versions::version.desc())
        .select(ProductVersionRow::as_select())
        .load(conn)?)
}

fn lock_product(conn: &mut PgConnection, id: i64) -> ApiResult<ProductRow> {
    products::table
        .find(id)
        .select(ProductRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("product"))
}

fn product_code_taken(err: DieselError) -> ApiError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some("products_plan_radius_group_key") =>
        {
            radius_group_taken()
        }
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::conflict(
            "product_code_taken",
            "a product with this code already exists",
        ),
        other => other.into(),
    }
}

fn radius_group_taken() -> ApiError {
    ApiError::conflict(
        "radius_group_taken",
        "another plan already uses this RADIUS group (or has it as its code); plans need \
         their own group, since provisioning writes the group's attributes from the plan",
    )
}

/// A plan delivers a service; add-ons and one-time products do not.
pub fn check_service(kind: ProductKind, service: Option<&str>) -> Vec<Violation> {
    match (kind, service) {
        (ProductKind::Plan, None) => vec![Violation {
            field: "service",
            code: "required",
            message: "a plan delivers a service: internet, voice or tv".into(),
        }],
        (ProductKind::Addon | ProductKind::OneTime, Some(_)) => vec![Violation {
            field: "service",
            code: "invalid",
            message: "only plans deliver a service".into(),
        }],
        _ => vec![],
    }
}

fn insert_version(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    product_id: i64,
    version: i32,
    terms: &Terms,
    valid_from: DateTime<Utc>,
    apply_to_existing: bool,
) -> QueryResult<ProductVersionRow> {
    diesel::insert_into(product_versions::table)
        .values(NewProductVersionRow {
            product_id,
            version,
            currency: &terms.currency,
            monthly_price: terms.monthly_price,
            one_time_price: terms.one_time_price,
            download_mbps: terms.download_mbps,
            upload_mbps: terms.upload_mbps,
            data_cap_gb: terms.data_cap_gb,
            overage_per_gb: terms.overage_per_gb,
            contract_months: terms.contract_months,
            early_termination_fee: terms.early_termination_fee,
            apply_to_existing,
            valid_from,
            created_at: ctx.now,
        })
        .returning(ProductVersionRow::as_returning())
        .get_result(conn)
}

/// Creates a product and its first version in one transaction.
pub fn create_product(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewProduct,
) -> ApiResult<(ProductRow, ProductVersionRow)> {
    let mut problems = check_service(new.kind, new.service.as_deref());
    problems.extend(rules::check_terms(new.kind, &new.terms));
    let valid_from = new.valid_from.unwrap_or(ctx.now);
    if valid_from < ctx.now {
        problems.push(Violation {
            field: "valid_from",
            code: "invalid",
            message: "must not be in the past".into(),
        });
    }
    if !problems.is_empty() {
        return Err(violations(problems));
    }
    conn.transaction(|conn| {
        check_pool(conn, new.ip_pool_id, new.kind.as_str())?;
        let product = diesel::insert_into(products::table)
            .values(NewProductRow {
                code: &new.code,
                kind: new.kind.as_str(),
                service: new.service.as_deref(),
                name: &new.name,
                description: new.description.as_deref(),
                tax_category: &new.tax_category,
                radius_group: new.radius_group.as_deref(),
                ip_pool_id: new.ip_pool_id,
                created_at: ctx.now,
                updated_at: ctx.now,
            })
            .returning(ProductRow::as_returning())
            .get_result(conn)
            .map_err(product_code_taken)?;
        let version = insert_version(conn, ctx, product.id, 1, &new.terms, valid_from, false)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "product.created",
                entity_type: "product",
                entity_id: product.id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "product": product, "version": version })),
                customer_id: None,
            },
        )?;
        Ok((product, version))
    })
}

/// A static-address pool must exist, and only plans and add-ons hand out addresses.
fn check_pool(conn: &mut PgConnection, pool: Option<i64>, kind: &str) -> ApiResult<()> {
    let Some(pool) = pool else {
        return Ok(());
    };
    if kind == "one_time" {
        return Err(ApiError::validation(vec![FieldError::new(
            "ip_pool_id",
            "invalid",
            "only plans and add-ons hand out static addresses",
        )]));
    }
    let exists: bool = diesel::select(diesel::dsl::exists(
        crate::db::schema::ip_pools::table.find(pool),
    ))
    .get_result(conn)?;
    if exists {
        Ok(())
    } else {
        Err(ApiError::validation(vec![FieldError::new(
            "ip_pool_id",
            "not_found",
            "no address pool with this id",
        )]))
    }
}

/// Changes a product's descriptive fields, never its prices.
pub fn update_product(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: ProductPatch,
) -> ApiResult<ProductRow> {
    conn.transaction(|conn| {
        let before = lock_product(conn, id)?;
        ApiError::check_version("product", expected_version, before.version)?;
        if let Some(pool) = patch.ip_pool_id {
            check_pool(conn, pool, &before.kind)?;
        }
        let after = diesel::update(products::table.find(id))
            .set((
                products::name.eq(patch.name.as_deref().unwrap_or(&before.name)),
                products::description.eq(match &patch.description {
                    Some(d) => d.as_deref(),
                    None => before.description.as_deref(),
                }),
                products::tax_category.eq(patch
                    .tax_category
                    .as_deref()
                    .unwrap_or(&before.tax_category)),
                products::radius_group.eq(match &patch.radius_group {
                    Some(g) => g.as_deref(),
                    None => before.radius_group.as_deref(),
                }),
                products::ip_pool_id.eq(patch.ip_pool_id.unwrap_or(before.ip_pool_id)),
                products::version.eq(before.version + 1),
                products::updated_at.eq(ctx.now),
            ))
            .returning(ProductRow::as_returning())
            .get_result(conn)
            .map_err(product_code_taken)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "product.updated",
                entity_type: "product",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// Adds a price version: number = latest + 1, starting now or later, in the product's
/// currency. A retired product gets no new prices (409 `product_retired`).
pub fn add_version(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    product_id: i64,
    new: NewVersion,
) -> ApiResult<ProductVersionRow> {
    conn.transaction(|conn| {
        let product = lock_product(conn, product_id)?;
        if product.retired_at.is_some() {
            return Err(ApiError::conflict(
                "product_retired",
                format!(
                    "product {} is retired; it takes no new prices",
                    product.code
                ),
            ));
        }
        let kind = ProductKind::parse(&product.kind).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "product {product_id} has kind {}",
                product.kind
            ))
        })?;
        let latest = product_versions::table
            .filter(product_versions::product_id.eq(product_id))
            .order(product_versions::version.desc())
            .select(ProductVersionRow::as_select())
            .first(conn)?;
        let mut terms = new.terms;
        terms.currency = new.currency.unwrap_or_else(|| latest.currency.clone());
        let mut problems = rules::check_terms(kind, &terms);
        let valid_from = new.valid_from.unwrap_or(ctx.now);
        let number = match rules::next_version(
            &LatestVersion {
                version: latest.version,
                currency: latest.currency.clone(),
                valid_from: latest.valid_from,
            },
            &terms.currency,
            valid_from,
            ctx.now,
        ) {
            Ok(n) => n,
            Err(more) => {
                // An invalid currency code is already named once.
                let currency_named = problems.iter().any(|p| p.field == "currency");
                problems.extend(
                    more.into_iter()
                        .filter(|v| !(currency_named && v.field == "currency")),
                );
                0
            }
        };
        if !problems.is_empty() {
            return Err(violations(problems));
        }
        let version = insert_version(
            conn,
            ctx,
            product_id,
            number,
            &terms,
            valid_from,
            new.apply_to_existing,
        )?;
        diesel::update(products::table.find(product_id))
            .set(products::updated_at.eq(ctx.now))
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "product.version_added",
                entity_type: "product",
                entity_id: product_id.to_string(),
                before: Some(audit::snapshot(&latest)?),
                after: Some(audit::snapshot(&version)?),
                customer_id: None,
            },
        )?;
        Ok(version)
    })
}

/// Retires a product: no new sales from now on; existing subscriptions keep it. Retiring a
/// retired product changes nothing and records nothing.
pub fn retire_product(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
) -> ApiResult<ProductRow> {
    conn.transaction(|conn| {
        let before = lock_product(conn, id)?;
        if before.retired_at.is_some() {
            return Ok(before);
        }
        let after = diesel::update(products::table.find(id))
            .set((
                products::retired_at.eq(Some(ctx.now)),
                products::version.eq(before.version + 1),
                products::updated_at.eq(ctx.now),
            ))
            .returning(ProductRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "product.retired",
                entity_type: "product",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

fn product_in_use(what: &str) -> ApiError {
    ApiError::conflict(
        "product_in_use",
        format!("the product is referenced by {what}; retire it instead"),
    )
}

/// Deletes a product nothing refers to (a mistake caught before it was sold); one that
/// orders, leads or promotions name is refused with 409 `product_in_use`.
pub fn delete_product(conn: &mut PgConnection, ctx: &RequestContext, id: i64) -> ApiResult<()> {
    conn.transaction(|conn| {
        let before = lock_product(conn, id)?;
        let version_ids: Vec<i64> = product_versions::table
            .filter(product_versions::product_id.eq(id))
            .select(product_versions::id)
            .load(conn)?;
        let ordered: bool = diesel::select(diesel::dsl::exists(
            order_lines::table.filter(order_lines::product_version_id.eq_any(&version_ids)),
        ))
        .get_result(conn)?;
        if ordered {
            return Err(product_in_use("order lines"));
        }
        let wanted: bool = diesel::select(diesel::dsl::exists(
            leads::table.filter(leads::interest_product_id.eq(id)),
        ))
        .get_result(conn)?;
        if wanted {
            return Err(product_in_use("leads"));
        }
        let promoted: bool = diesel::select(diesel::dsl::exists(
            promotion_products::table.filter(promotion_products::product_id.eq(id)),
        ))
        .get_result(conn)?;
        if promoted {
            return Err(product_in_use("promotions"));
        }
        let versions = versions_of(conn, id)?;
        // A reference that appears between the checks and the delete (an order line being
        // written right now) fails the foreign key: the same answer.
        let in_use = |e: DieselError| match e {
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                product_in_use("a new reference")
            }
            other => other.into(),
        };
        diesel::delete(product_versions::table.filter(product_versions::product_id.eq(id)))
            .execute(conn)
            .map_err(in_use)?;
        diesel::delete(products::table.find(id))
            .execute(conn)
            .map_err(in_use)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "product.deleted",
                entity_type: "product",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "product": before, "versions": versions })),
                after: None,
                customer_id: None,
            },
        )?;
        Ok(())
    })
}

/// The version a product is sold at, at `at`: the highest-numbered one valid by then.
/// 404 for an unknown product, 409 `product_retired` once it is retired, 409
/// `product_not_yet_available` while its first version has not started.
pub fn current_version(
    conn: &mut PgConnection,
    product_id: i64,
    at: DateTime<Utc>,
) -> ApiResult<ProductVersionRow> {
    let product = find_product(conn, product_id)?;
    if product.retired_at.is_some_and(|r| r <= at) {
        return Err(ApiError::conflict(
            "product_retired",
            format!("product {} is retired and no longer sold", product.code),
        ));
    }
    product_versions::table
        .filter(product_versions::product_id.eq(product_id))
        .filter(product_versions::valid_from.le(at))
        .order(product_versions::version.desc())
        .select(ProductVersionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::conflict(
                "product_not_yet_available",
                format!("product {} has no price valid yet", product.code),
            )
        })
}

// Promotions -------------------------------------------------------------------------------

#[derive(Debug)]
pub struct NewPromotion {
    pub code: Option<String>,
    pub name: String,
    pub kind: rules::PromotionKind,
    pub value: Decimal,
    pub currency: Option<String>,
    pub cycles: Option<i32>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_to: Option<DateTime<Utc>>,
    pub active: bool,
    pub product_ids: Vec<i64>,
}

#[derive(Debug, Default)]
pub struct PromotionPatch {
    pub name: Option<String>,
    pub valid_to: Option<Option<DateTime<Utc>>>,
    pub active: Option<bool>,
    pub product_ids: Option<Vec<i64>>,
}

#[derive(Debug, Default, Clone)]
pub struct PromotionFilter {
    pub code: Option<String>,
    pub active: Option<bool>,
    pub product_id: Option<i64>,
    pub after_id: Option<i64>,
}

/// A promotion with the ids of the products it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct PromotionWithProducts {
    #[serde(flatten)]
    pub promotion: PromotionRow,
    pub product_ids: Vec<i64>,
}

fn product_ids_of(conn: &mut PgConnection, promotion_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    promotion_products::table
        .filter(promotion_products::promotion_id.eq_any(promotion_ids))
        .order((
            promotion_products::promotion_id.asc(),
            promotion_products::product_id.asc(),
        ))
        .select((
            promotion_products::promotion_id,
            promotion_products::product_id,
        ))
        .load(conn)
}

fn with_products(
    conn: &mut PgConnection,
    rows: Vec<PromotionRow>,
) -> QueryResult<Vec<PromotionWithProducts>> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let pairs = product_ids_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|promotion| PromotionWithProducts {
            product_ids: pairs
                .iter()
                .filter(|(p, _)| *p == promotion.id)
                .map(|(_, product)| *product)
                .collect(),
            promotion,
        })
        .collect())
}

/// Promotions by id, ascending; `limit + 1` rows.
pub fn list_promotions(
    conn: &mut PgConnection,
    filter: &PromotionFilter,
    limit: i64,
) -> ApiResult<Vec<PromotionWithProducts>> {
    let mut query = promotions::table
        .filter(promotions::id.gt(filter.after_id.unwrap_or(0)))
        .order(promotions::id.asc())
        .limit(limit + 1)
        .select(PromotionRow::as_select())
        .into_boxed();
    if let Some(code) = &filter.code {
        query = query.filter(promotions::code.eq(code.to_ascii_uppercase()));
    }
    if let Some(active) = filter.active {
        query = query.filter(promotions::active.eq(active));
    }
    if let Some(product_id) = filter.product_id {
        query = query.filter(
            promotions::id.eq_any(
                promotion_products::table
                    .filter(promotion_products::product_id.eq(product_id))
                    .select(promotion_products::promotion_id),
            ),
        );
    }
    let rows = query.load(conn)?;
    Ok(with_products(conn, rows)?)
}

pub fn find_promotion(conn: &mut PgConnection, id: i64) -> ApiResult<PromotionWithProducts> {
    let row = promotions::table
        .find(id)
        .select(PromotionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("promotion"))?;
    with_products(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::not_found("promotion"))
}

/// Checks that every id names a plan or add-on (one-time products take no monthly
/// discount) and returns them sorted without duplicates.
fn eligible_products(conn: &mut PgConnection, ids: &[i64]) -> ApiResult<Vec<i64>> {
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "product_ids",
            "required",
            "at least one plan or add-on",
        )]));
    }
    let found: Vec<(i64, String)> = products::table
        .filter(products::id.eq_any(&wanted))
        .select((products::id, products::kind))
        .load(conn)?;
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match found.iter().find(|(p, _)| p == id) {
            None => errors.push(FieldError::new(
                format!("product_ids[{i}]"),
                "not_found",
                format!("no product {id}"),
            )),
            Some((_, kind)) if kind == "one_time" => errors.push(FieldError::new(
                format!("product_ids[{i}]"),
                "invalid",
                "a one-time product takes no promotion",
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(wanted)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn promotion_code_taken(err: DieselError) -> ApiError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::conflict(
            "promotion_code_taken",
            "another promotion already has this code",
        ),
        other => other.into(),
    }
}

fn set_products(
    conn: &mut PgConnection,
    promotion_id: i64,
    product_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        promotion_products::table.filter(promotion_products::promotion_id.eq(promotion_id)),
    )
    .execute(conn)?;
    let rows: Vec<_> = product_ids
        .iter()
        .map(|&product| {
            (
                promotion_products::promotion_id.eq(promotion_id),
                promotion_products::product_id.eq(product),
            )
        })
        .collect();
    diesel::insert_into(promotion_products::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

pub fn create_promotion(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewPromotion,
) -> ApiResult<PromotionWithProducts> {
    let valid_from = new.valid_from.unwrap_or(ctx.now);
    let mut problems =
        rules::check_promotion_value(new.kind, new.value, new.currency.as_deref(), new.cycles);
    problems.extend(rules::check_period("valid_to", valid_from, new.valid_to));
    if !problems.is_empty() {
        return Err(violations(problems));
    }
    conn.transaction(|conn| {
        let product_ids = eligible_products(conn, &new.product_ids)?;
        let row = diesel::insert_into(promotions::table)
            .values(NewPromotionRow {
                code: new.code.as_deref(),
                name: &new.name,
                kind: new.kind.as_str(),
                value: new.value,
                currency: new.currency.as_deref(),
                cycles: new.cycles,
                valid_from,
                valid_to: new.valid_to,
                active: new.active,
                created_at: ctx.now,
                updated_at: ctx.now,
            })
            .returning(PromotionRow::as_returning())
            .get_result(conn)
            .map_err(promotion_code_taken)?;
        set_products(conn, row.id, &product_ids)?;
        let created = PromotionWithProducts {
            promotion: row,
            product_ids,
        };
        audit::record(
            conn,
            ctx,
            Change {
                action: "promotion.created",
                entity_type: "promotion",
                entity_id: created.promotion.id.to_string(),
                before: None,
                after: Some(audit::snapshot(&created)?),
                customer_id: None,
            },
        )?;
        Ok(created)
    })
}

/// Changes a promotion's name, end, active flag or eligible products. Its discount, code
/// and start are fixed once created: orders quote them.
pub fn update_promotion(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: PromotionPatch,
) -> ApiResult<PromotionWithProducts> {
    conn.transaction(|conn| {
        let row = promotions::table
            .find(id)
            .select(PromotionRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("promotion"))?;
        ApiError::check_version("promotion", expected_version, row.version)?;
        let before = with_products(conn, vec![row])?
            .pop()
            .ok_or_else(|| ApiError::not_found("promotion"))?;
        let valid_to = patch.valid_to.unwrap_or(before.promotion.valid_to);
        if let Some(Some(to)) = patch.valid_to {
            let mut problems: Vec<Violation> =
                rules::check_period("valid_to", before.promotion.valid_from, Some(to))
                    .into_iter()
                    .collect();
            if problems.is_empty() && to < ctx.now {
                problems.push(Violation {
                    field: "valid_to",
                    code: "invalid",
                    message: "must not be in the past".into(),
                });
            }
            if !problems.is_empty() {
                return Err(violations(problems));
            }
        }
        let product_ids = match &patch.product_ids {
            Some(ids) => eligible_products(conn, ids)?,
            None => before.product_ids.clone(),
        };
        let row = diesel::update(promotions::table.find(id))
            .set((
                promotions::name.eq(patch.name.as_deref().unwrap_or(&before.promotion.name)),
                promotions::valid_to.eq(valid_to),
                promotions::active.eq(patch.active.unwrap_or(before.promotion.active)),
                promotions::version.eq(before.promotion.version + 1),
                promotions::updated_at.eq(ctx.now),
            ))
            .returning(PromotionRow::as_returning())
            .get_result(conn)?;
        if product_ids != before.product_ids {
            set_products(conn, id, &product_ids)?;
        }
        let after = PromotionWithProducts {
            promotion: row,
            product_ids,
        };
        audit::record(
            conn,
            ctx,
            Change {
                action: "promotion.updated",
                entity_type: "promotion",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// The promotion if it applies to `product_id` sold in `currency` at `at`: 404 for an
/// unknown promotion, 422 `promotion_not_applicable` with the reason otherwise.
pub fn applicable_promotion(
    conn: &mut PgConnection,
    promotion_id: i64,
    product_id: i64,
    currency: &str,
    at: DateTime<Utc>,
) -> ApiResult<PromotionRow> {
    let promotion = promotions::table
        .find(promotion_id)
        .select(PromotionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("promotion"))?;
    let product_eligible: bool = diesel::select(diesel::dsl::exists(
        promotion_products::table
            .filter(promotion_products::promotion_id.eq(promotion_id))
            .filter(promotion_products::product_id.eq(product_id)),
    ))
    .get_result(conn)?;
    let facts = rules::PromotionFacts {
        active: promotion.active,
        valid_from: promotion.valid_from,
        valid_to: promotion.valid_to,
        currency: promotion.currency.as_deref(),
        product_eligible,
    };
    match rules::promotion_applies(&facts, currency, at) {
        Ok(()) => Ok(promotion),
        Err(reason) => Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "promotion_not_applicable",
            reason.to_string(),
        )),
    }
}

// Tax rates --------------------------------------------------------------------------------

#[derive(Debug)]
pub struct NewTaxRate {
    pub zone: String,
    pub category: String,
    pub name: String,
    pub rate: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Default)]
pub struct TaxRatePatch {
    pub name: Option<String>,
    pub valid_to: Option<Option<NaiveDate>>,
}

#[derive(Debug, Default, Clone)]
pub struct TaxRateFilter {
    pub zone: Option<String>,
    pub category: Option<String>,
    /// Rates valid on this day.
    pub on: Option<NaiveDate>,
    pub after_id: Option<i64>,
}

fn tax_rate_overlap(err: DieselError) -> ApiError {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::ExclusionViolation, _) => ApiError::conflict(
            "tax_rate_overlap",
            "another rate of this zone and category covers part of this period; end it first",
        ),
        other => other.into(),
    }
}

/// Tax rates by id, ascending; `limit + 1` rows.
pub fn list_tax_rates(
    conn: &mut PgConnection,
    filter: &TaxRateFilter,
    limit: i64,
) -> ApiResult<Vec<TaxRateRow>> {
    let mut query = tax_rates::table
        .filter(tax_rates::id.gt(filter.after_id.unwrap_or(0)))
        .order(tax_rates::id.asc())
        .limit(limit + 1)
        .select(TaxRateRow::as_select())
        .into_boxed();
    if let Some(zone) = &filter.zone {
        query = query.filter(tax_rates::zone.eq(zone.clone()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(tax_rates::category.eq(category.clone()));
    }
    if let Some(on) = filter.on {
        query = query
            .filter(tax_rates::valid_from.le(on))
            .filter(tax_rates::valid_to.is_null().or(tax_rates::valid_to.gt(on)));
    }
    Ok(query.load(conn)?)
}

pub fn find_tax_rate(conn: &mut PgConnection, id: i64) -> ApiResult<TaxRateRow> {
    tax_rates::table
        .find(id)
        .select(TaxRateRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("tax rate"))
}

pub fn create_tax_rate(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewTaxRate,
) -> ApiResult<TaxRateRow> {
    let mut problems: Vec<Violation> = rules::check_tax_rate(new.rate).into_iter().collect();
    problems.extend(rules::check_period(
        "valid_to",
        new.valid_from,
        new.valid_to,
    ));
    if !problems.is_empty() {
        return Err(violations(problems));
    }
    conn.transaction(|conn| {
        let row = diesel::insert_into(tax_rates::table)
            .values(NewTaxRateRow {
                zone: &new.zone,
                category: &new.category,
                name: &new.name,
                rate: new.rate,
                valid_from: new.valid_from,
                valid_to: new.valid_to,
                created_at: ctx.now,
            })
            .returning(TaxRateRow::as_returning())
            .get_result(conn)
            .map_err(tax_rate_overlap)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "tax_rate.created",
                entity_type: "tax_rate",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(audit::snapshot(&row)?),
                customer_id: None,
            },
        )?;
        Ok(row)
    })
}

/// Renames a rate or moves its end. The rate itself never changes: a new rate is a new row
/// starting where this one ends. An end in the past would rewrite history and is refused.
pub fn update_tax_rate(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: TaxRatePatch,
) -> ApiResult<TaxRateRow> {
    conn.transaction(|conn| {
        let before = tax_rates::table
            .find(id)
            .select(TaxRateRow::as_select())
            .for_update()
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("tax rate"))?;
        ApiError::check_version("tax rate", expected_version, before.version)?;
        if let Some(Some(to)) = patch.valid_to {
            let today = rules::tax_date(ctx.now);
            let mut problems: Vec<Violation> =
                rules::check_period("valid_to", before.valid_from, Some(to))
                    .into_iter()
                    .collect();
            if problems.is_empty() && to < today {
                problems.push(Violation {
                    field: "valid_to",
                    code: "invalid",
                    message: format!("must not be in the past (today is {today})"),
                });
            }
            if !problems.is_empty() {
                return Err(violations(problems));
            }
        }
        let after = diesel::update(tax_rates::table.find(id))
            .set((
                tax_rates::name.eq(patch.name.as_deref().unwrap_or(&before.name)),
                tax_rates::valid_to.eq(patch.valid_to.unwrap_or(before.valid_to)),
                tax_rates::version.eq(before.version + 1),
            ))
            .returning(TaxRateRow::as_returning())
            .get_result(conn)
            .map_err(tax_rate_overlap)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "tax_rate.updated",
                entity_type: "tax_rate",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// The tax rate (percent) of a zone and category on a day; `None` when no rate covers it
/// (the caller decides whether that means 0 or an error).
pub fn tax_rate_on(
    conn: &mut PgConnection,
    zone: &str,
    category: &str,
    date: NaiveDate,
) -> QueryResult<Option<Decimal>> {
    tax_rates::table
        .filter(tax_rates::zone.eq(zone))
        .filter(tax_rates::category.eq(category))
        .filter(tax_rates::valid_from.le(date))
        .filter(
            tax_rates::valid_to
                .is_null()
                .or(tax_rates::valid_to.gt(date)),
        )
        .select(tax_rates::rate)
        .first(conn)
        .optional()
}
