//! Orders: from a draft an agent builds to an approved order.

use actix_web::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Subject;
use crate::config::ProvisioningConfig;
use crate::db::models::CustomerClassRow;
use crate::db::orders::{NewOrderLineRow, OrderLineRow, OrderRow};
use crate::db::schema::{
    customer_classes, customers, leads, ledger_entries, order_lines, orders, product_versions,
    products, promotion_products, promotions,
};
use crate::domain::credit::{
    check_order, OrderTotals as CreditTotals, Reason, Standing as CreditStanding,
};
use crate::domain::money::{for_display, Currency};
use crate::domain::order::{
    price_line, standing, transition, Discount, InvalidTransition, LineInput, LinePrice, Status,
    Totals,
};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Actor, Change};
use crate::services::catalog;
use crate::services::customer_classes as customer_classes_service;
use crate::services::subscriptions;
use crate::state::RequestContext;

/// Where an order was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    CallCenter,
    SelfService,
    InPerson,
    Api,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::CallCenter,
        Channel::SelfService,
        Channel::InPerson,
        Channel::Api,
    ];

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::CallCenter => "call_center",
            Channel::SelfService => "self_service",
            Channel::InPerson => "in_person",
            Channel::Api => "api",
        }
    }
}

/// The next order number, `ORD-000123`, from its own sequence (gaps allowed: orders are
/// not fiscal documents).
pub fn next_order_number(conn: &mut PgConnection) -> QueryResult<String> {
    let serial: i64 = diesel::select(diesel::dsl::sql::<BigInt>("nextval('order_number_serial')"))
        .get_result(conn)?;
    Ok(format!("ORD-{serial:06}"))
}

/// Opens an empty draft order for a customer, in the customer's currency. Runs on the
/// caller's connection so lead conversion can open one in its own transaction.
/// Returns the order id.
pub fn create_draft(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    lead_id: Option<i64>,
    channel: Channel,
    notes: Option<&str>,
) -> ApiResult<i64> {
    let (currency, status): (String, String) = customers::table
        .find(customer_id)
        .select((customers::currency, customers::status))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    if status == "closed" {
        return Err(ApiError::conflict(
            "customer_closed",
            "a closed customer cannot place orders",
        ));
    }
    let number = next_order_number(conn)?;
    let id: i64 = diesel::insert_into(orders::table)
        .values((
            orders::number.eq(&number),
            orders::customer_id.eq(customer_id),
            orders::lead_id.eq(lead_id),
            orders::channel.eq(channel.as_str()),
            orders::currency.eq(&currency),
            orders::notes.eq(notes),
            orders::created_by.eq(ctx.actor.label()),
            orders::created_at.eq(ctx.now),
            orders::updated_at.eq(ctx.now),
        ))
        .returning(orders::id)
        .get_result(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "order.created",
            entity_type: "order",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "number": number,
                "status": "draft",
                "channel": channel.as_str(),
                "lead_id": lead_id,
            })),
            customer_id: Some(customer_id),
        },
    )?;
    Ok(id)
}

// The orders API --------------------------------------------------------------------------
//
// Every function below that changes an order is one transaction: it locks the order row
// (`SELECT … FOR UPDATE`), checks the caller's `If-Match` version, applies the change,
// recomputes and stores the totals, bumps `version`, and records the change (audit row and
// the customer's timeline event) through `audit::record`.

/// A promotion named by the caller: by id or by the code the customer quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromotionRef {
    Id(i64),
    Code(String),
}

/// A line to add: a product sold now, at the catalog's current price.
#[derive(Debug, Clone)]
pub struct NewLine {
    pub product_id: i64,
    pub promotion: Option<PromotionRef>,
    pub quantity: u32,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub customer_id: i64,
    pub channel: Channel,
    pub lead_id: Option<i64>,
    pub notes: Option<String>,
    pub lines: Vec<NewLine>,
}

/// Fields of an order to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrderPatch {
    /// `Some(None)` clears the notes.
    pub notes: Option<Option<String>>,
    pub channel: Option<Channel>,
}

/// Fields of a line to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct LinePatch {
    pub quantity: Option<u32>,
    /// `Some(None)` removes the promotion.
    pub promotion: Option<Option<PromotionRef>>,
}

/// A line as the API shows it: the row and what it was sold from.
#[derive(Debug, Clone)]
pub struct LineView {
    pub row: OrderLineRow,
    pub product_id: Option<i64>,
    pub product_code: Option<String>,
    pub promotion_code: Option<String>,
    pub promotion_name: Option<String>,
    pub promotion_cycles: Option<i32>,
}

/// An order with its lines and who it is for.
#[derive(Debug, Clone)]
pub struct OrderView {
    pub order: OrderRow,
    pub customer_name: String,
    pub account_number: String,
    pub lines: Vec<LineView>,
}

/// One row of the order list.
#[derive(Debug, Clone)]
pub struct OrderSummary {
    pub order: OrderRow,
    pub customer_name: String,
    pub account_number: String,
    pub line_count: i64,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Any of these statuses; empty: all.
    pub statuses: Vec<Status>,
    pub customer_id: Option<i64>,
    /// Only orders with an id below this (the cursor), newest first.
    pub before_id: Option<i64>,
}

/// The credit check made at submission, stored on the order as JSON.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreditCheck {
    /// `approved` (nothing needs a manager) or `needs_approval`.
    pub outcome: CreditOutcome,
    /// Every reason a manager must look at, in plain words.
    pub reasons: Vec<CreditReason>,
    /// The deposit charged on the order, if the class asks for one.
    #[schema(value_type = Option<String>, example = "39.00")]
    pub deposit: Option<Decimal>,
    /// The customer's ledger balance at submission (positive: they owe).
    #[schema(value_type = String, example = "0.00")]
    pub balance: Decimal,
    /// The part of the balance past its due date.
    #[schema(value_type = String, example = "0.00")]
    pub overdue: Decimal,
    /// The customer class whose policy was applied.
    pub customer_class: String,
    #[schema(value_type = String, example = "2000.00")]
    pub credit_limit: Decimal,
    #[schema(value_type = String, example = "1500.00")]
    pub approval_threshold: Decimal,
    pub checked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditOutcome {
    Approved,
    NeedsApproval,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreditReason {
    /// `overdue_balance`, `credit_limit_exceeded` or `above_approval_threshold`.
    pub code: String,
    /// The reason in plain words, for the agent and the manager.
    pub message: String,
    /// The amount at stake: the overdue balance, the exposure, or the order amount.
    #[schema(value_type = String, example = "45.00")]
    pub amount: Decimal,
    /// The limit it was compared with, where there is one.
    #[schema(value_type = Option<String>, example = "150.00")]
    pub limit: Option<Decimal>,
}

/// A product that can be sold on an order now, priced for its customer.
#[derive(Debug, Clone)]
pub struct SellableProduct {
    pub product_id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub version_id: i64,
    pub version: i32,
    pub currency: String,
    pub monthly_price: Decimal,
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub contract_months: i32,
    /// The rate this customer pays on it (0 when exempt).
    pub tax_rate: Decimal,
    pub promotions: Vec<SellablePromotion>,
}

#[derive(Debug, Clone)]
pub struct SellablePromotion {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub kind: String,
    pub value: Decimal,
    pub cycles: Option<i32>,
}

fn unprocessable(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
}

fn not_editable(status: Status) -> ApiError {
    ApiError::conflict(
        "order_not_editable",
        format!("the order is {status}; only a draft order can be changed"),
    )
}

fn invalid_transition(e: InvalidTransition) -> ApiError {
    ApiError::conflict("invalid_transition", e.to_string())
}

/// The customer facts pricing and the credit check need.
struct CustomerFacts {
    name: String,
    account_number: String,
    status: String,
    class_id: i64,
    tax_zone: String,
    tax_exempt: bool,
}

fn customer_facts(conn: &mut PgConnection, customer_id: i64) -> ApiResult<CustomerFacts> {
    let (name, company, account_number, status, class_id, tax_zone, tax_exempt): (
        String,
        Option<String>,
        String,
        String,
        i64,
        String,
        bool,
    ) = customers::table
        .find(customer_id)
        .select((
            customers::name,
            customers::company_name,
            customers::account_number,
            customers::status,
            customers::class_id,
            customers::tax_zone,
            customers::tax_exempt,
        ))
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer"))?;
    Ok(CustomerFacts {
        name: company.unwrap_or(name),
        account_number,
        status,
        class_id,
        tax_zone,
        tax_exempt,
    })
}

/// Locks the order for the rest of the transaction and checks the caller's version.
fn lock_order(
    conn: &mut PgConnection,
    id: i64,
    expected_version: Option<i32>,
) -> ApiResult<OrderRow> {
    let order = orders::table
        .find(id)
        .select(OrderRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("order"))?;
    ApiError::check_version("order", expected_version, order.version)?;
    Ok(order)
}

fn status_of(order: &OrderRow) -> ApiResult<Status> {
    Status::parse(&order.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "order {} has unknown status {}",
            order.id,
            order.status
        ))
    })
}

fn currency_of(order: &OrderRow) -> ApiResult<Currency> {
    Currency::parse(&order.currency)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("order {} currency: {e}", order.id)))
}

/// The product's current version: the highest `version` already valid at `now`.
struct CurrentProduct {
    product_id: i64,
    name: String,
    kind: String,
    tax_category: String,
    version_id: i64,
    currency: String,
    monthly_price: Decimal,
    one_time_price: Decimal,
}

fn current_product(
    conn: &mut PgConnection,
    product_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<CurrentProduct> {
    let (name, kind, tax_category, retired_at): (String, String, String, Option<DateTime<Utc>>) =
        products::table
            .find(product_id)
            .select((
                products::name,
                products::kind,
                products::tax_category,
                products::retired_at,
            ))
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                ApiError::validation(vec![FieldError::new(
                    "product_id",
                    "not_found",
                    format!("there is no product {product_id}"),
                )])
            })?;
    if retired_at.is_some_and(|at| at <= now) {
        return Err(unprocessable(
            "product_retired",
            format!("{name} is retired and can no longer be sold"),
        ));
    }
    let (version_id, currency, monthly_price, one_time_price): (i64, String, Decimal, Decimal) =
        product_versions::table
            .filter(product_versions::product_id.eq(product_id))
            .filter(product_versions::valid_from.le(now))
            .order(product_versions::version.desc())
            .select((
                product_versions::id,
                product_versions::currency,
                product_versions::monthly_price,
                product_versions::one_time_price,
            ))
            .first(conn)
            .optional()?
            .ok_or_else(|| {
                unprocessable(
                    "product_not_available",
                    format!("{name} has no price valid yet"),
                )
            })?;
    Ok(CurrentProduct {
        product_id,
        name,
        kind,
        tax_category,
        version_id,
        currency,
        monthly_price,
        one_time_price,
    })
}

/// The rate of a zone and category on a day; 0 when no rate is defined (untaxed).
fn tax_rate_for(
    conn: &mut PgConnection,
    zone: &str,
    category: &str,
    today: NaiveDate,
) -> ApiResult<Decimal> {
    Ok(catalog::tax_rate_on(conn, zone, category, today)?.unwrap_or(Decimal::ZERO))
}

/// A promotion and its terms as they are now; they are frozen on the line it goes on.
#[derive(Debug, Clone, Copy)]
struct AppliedPromotion {
    id: i64,
    discount: Discount,
    cycles: Option<i32>,
}

impl AppliedPromotion {
    fn kind(&self) -> &'static str {
        match self.discount {
            Discount::Percent(_) => "percent",
            Discount::AmountPerUnit(_) => "amount",
        }
    }

    fn value(&self) -> Decimal {
        match self.discount {
            Discount::Percent(v) | Discount::AmountPerUnit(v) => v,
        }
    }

    /// The terms frozen on a line, if it has a promotion.
    fn of_line(line: &OrderLineRow) -> Option<AppliedPromotion> {
        let id = line.promotion_id?;
        let value = line.promotion_value?;
        let discount = match line.promotion_kind.as_deref()? {
            "percent" => Discount::Percent(value),
            _ => Discount::AmountPerUnit(value),
        };
        Some(AppliedPromotion {
            id,
            discount,
            cycles: line.promotion_cycles,
        })
    }
}

/// Finds the promotion (by id or code) and checks, by the catalog's rule, that it can apply
/// to this product on this order now.
fn applicable_promotion(
    conn: &mut PgConnection,
    reference: &PromotionRef,
    product_id: i64,
    currency: &str,
    now: DateTime<Utc>,
) -> ApiResult<AppliedPromotion> {
    let found: Option<i64> = match reference {
        PromotionRef::Id(id) => promotions::table
            .find(*id)
            .select(promotions::id)
            .first(conn)
            .optional()?,
        PromotionRef::Code(code) => promotions::table
            .filter(promotions::code.eq(code.to_ascii_uppercase()))
            .select(promotions::id)
            .first(conn)
            .optional()?,
    };
    let Some(id) = found else {
        let what = match reference {
            PromotionRef::Id(id) => format!("promotion {id}"),
            PromotionRef::Code(code) => format!("promotion code {code}"),
        };
        return Err(unprocessable(
            "promotion_not_applicable",
            format!("there is no {what}"),
        ));
    };
    let promotion = catalog::applicable_promotion(conn, id, product_id, currency, now)?;
    let discount = if promotion.kind == "percent" {
        Discount::Percent(promotion.value)
    } else {
        Discount::AmountPerUnit(promotion.value)
    };
    Ok(AppliedPromotion {
        id,
        discount,
        cycles: promotion.cycles,
    })
}

fn check_quantity(quantity: u32) -> ApiResult<i32> {
    if (1..=1000).contains(&quantity) {
        Ok(quantity as i32)
    } else {
        Err(ApiError::validation(vec![FieldError::new(
            "quantity",
            "invalid",
            "must be between 1 and 1000",
        )]))
    }
}

/// Prices a new line from the catalog now and inserts it at the end of the order.
fn insert_line(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    order: &OrderRow,
    customer: &CustomerFacts,
    line: &NewLine,
) -> ApiResult<OrderLineRow> {
    let quantity = check_quantity(line.quantity)?;
    let product = current_product(conn, line.product_id, ctx.now)?;
    if product.currency != order.currency {
        return Err(unprocessable(
            "currency_mismatch",
            format!(
                "{} is priced in {}, the order is in {}",
                product.name, product.currency, order.currency
            ),
        ));
    }
    let promotion = line
        .promotion
        .as_ref()
        .map(|p| applicable_promotion(conn, p, product.product_id, &order.currency, ctx.now))
        .transpose()?;
    let tax_rate = tax_rate_for(
        conn,
        &customer.tax_zone,
        &product.tax_category,
        ctx.now.date_naive(),
    )?;
    let price = price_line(
        &LineInput {
            unit_monthly: product.monthly_price,
            unit_one_time: product.one_time_price,
            quantity: quantity as u32,
            discount: promotion.as_ref().map(|p| p.discount),
            tax_rate,
            taxable: true,
        },
        currency_of(order)?,
        customer.tax_exempt,
    );
    let position = next_position(conn, order.id)?;
    Ok(diesel::insert_into(order_lines::table)
        .values(NewOrderLineRow {
            order_id: order.id,
            customer_id: order.customer_id,
            position,
            action: "add",
            kind: &product.kind,
            product_version_id: Some(product.version_id),
            promotion_id: promotion.as_ref().map(|p| p.id),
            description: &product.name,
            quantity,
            unit_monthly: product.monthly_price,
            unit_one_time: product.one_time_price,
            discount_monthly: price.discount_monthly,
            tax_rate: price.tax_rate,
            monthly_amount: price.monthly_amount,
            monthly_tax: price.monthly_tax,
            one_time_amount: price.one_time_amount,
            one_time_tax: price.one_time_tax,
            created_at: ctx.now,
            promotion_kind: promotion.as_ref().map(AppliedPromotion::kind),
            promotion_value: promotion.as_ref().map(AppliedPromotion::value),
            promotion_cycles: promotion.as_ref().and_then(|p| p.cycles),
        })
        .returning(OrderLineRow::as_returning())
        .get_result(conn)?)
}

fn next_position(conn: &mut PgConnection, order_id: i64) -> ApiResult<i32> {
    let max: Option<i32> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .select(diesel::dsl::max(order_lines::position))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Sums the order's (already rounded) lines into its totals.
fn totals_of(conn: &mut PgConnection, order_id: i64) -> ApiResult<Totals> {
    let lines: Vec<OrderLineRow> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .select(OrderLineRow::as_select())
        .load(conn)?;
    let prices: Vec<LinePrice> = lines
        .iter()
        .map(|l| LinePrice {
            discount_monthly: l.discount_monthly,
            tax_rate: l.tax_rate,
            monthly_amount: l.monthly_amount,
            monthly_tax: l.monthly_tax,
            one_time_amount: l.one_time_amount,
            one_time_tax: l.one_time_tax,
        })
        .collect();
    Ok(Totals::of(&prices))
}

/// Stores the recomputed totals and bumps the version.
fn store_totals(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    order: &OrderRow,
) -> ApiResult<OrderRow> {
    let totals = totals_of(conn, order.id)?;
    Ok(diesel::update(orders::table.find(order.id))
        .set((
            orders::one_time_subtotal.eq(totals.one_time_subtotal),
            orders::one_time_tax.eq(totals.one_time_tax),
            orders::monthly_subtotal.eq(totals.monthly_subtotal),
            orders::monthly_tax.eq(totals.monthly_tax),
            orders::version.eq(order.version + 1),
            orders::updated_at.eq(ctx.now),
        ))
        .returning(OrderRow::as_returning())
        .get_result(conn)?)
}

fn line_json(line: &OrderLineRow) -> serde_json::Value {
    serde_json::json!({
        "line_id": line.id,
        "position": line.position,
        "kind": line.kind,
        "description": line.description,
        "product_version_id": line.product_version_id,
        "promotion_id": line.promotion_id,
        "quantity": line.quantity,
        "monthly_amount": line.monthly_amount,
        "one_time_amount": line.one_time_amount,
    })
}

fn record_line_change(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    action: &str,
    order: &OrderRow,
    before: Option<&OrderLineRow>,
    after: Option<&OrderLineRow>,
) -> ApiResult<()> {
    let with_order = |line: &OrderLineRow| {
        let mut v = line_json(line);
        v["order_number"] = serde_json::json!(order.number);
        v["monthly_total"] = serde_json::json!(order.monthly_subtotal + order.monthly_tax);
        v["one_time_total"] = serde_json::json!(order.one_time_subtotal + order.one_time_tax);
        v
    };
    audit::record(
        conn,
        ctx,
        Change {
            action,
            entity_type: "order",
            entity_id: order.id.to_string(),
            before: before.map(line_json),
            after: after.map(with_order),
            customer_id: Some(order.customer_id),
        },
    )?;
    Ok(())
}

/// The order with its lines, as the API shows it.
pub fn find_order(conn: &mut PgConnection, id: i64) -> ApiResult<OrderView> {
    let order = orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("order"))?;
    view_of(conn, order)
}

fn view_of(conn: &mut PgConnection, order: OrderRow) -> ApiResult<OrderView> {
    let customer = customer_facts(conn, order.customer_id)?;
    type LineCols = (
        OrderLineRow,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<LineCols> = order_lines::table
        .left_join(product_versions::table.left_join(products::table))
        .left_join(promotions::table)
        .filter(order_lines::order_id.eq(order.id))
        .order(order_lines::position.asc())
        .select((
            OrderLineRow::as_select(),
            product_versions::product_id.nullable(),
            products::code.nullable(),
            promotions::code.nullable(),
            promotions::name.nullable(),
        ))
        .load(conn)?;
    let lines = rows
        .into_iter()
        .map(
            |(row, product_id, product_code, promotion_code, promotion_name)| LineView {
                promotion_cycles: row.promotion_cycles,
                row,
                product_id,
                product_code,
                promotion_code,
                promotion_name,
            },
        )
        .collect();
    Ok(OrderView {
        order,
        customer_name: customer.name,
        account_number: customer.account_number,
        lines,
    })
}

/// Orders, newest first, `limit + 1` rows so the caller can tell whether a next page exists.
pub fn list_orders(
    conn: &mut PgConnection,
    filter: &OrderFilter,
    limit: i64,
) -> ApiResult<Vec<OrderSummary>> {
    let mut query = orders::table
        .inner_join(customers::table)
        .select((
            OrderRow::as_select(),
            customers::name,
            customers::company_name,
            customers::account_number,
        ))
        .order(orders::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if !filter.statuses.is_empty() {
        let names: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
        query = query.filter(orders::status.eq_any(names));
    }
    if let Some(customer_id) = filter.customer_id {
        query = query.filter(orders::customer_id.eq(customer_id));
    }
    if let Some(before_id) = filter.before_id {
        query = query.filter(orders::id.lt(before_id));
    }
    let rows: Vec<(OrderRow, String, Option<String>, String)> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let counts: Vec<(i64, i64)> = order_lines::table
        .filter(order_lines::order_id.eq_any(&ids))
        .group_by(order_lines::order_id)
        .select((order_lines::order_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(order, name, company, account_number)| OrderSummary {
            line_count: counts
                .iter()
                .find(|(id, _)| *id == order.id)
                .map_or(0, |(_, n)| *n),
            order,
            customer_name: company.unwrap_or(name),
            account_number,
        })
        .collect())
}

/// Opens a draft order, with its first lines if given, in one transaction.
pub fn create_order(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewOrder,
) -> ApiResult<OrderView> {
    conn.transaction(|conn| {
        if let Some(lead_id) = new.lead_id {
            let lead_customer: Option<Option<i64>> = leads::table
                .find(lead_id)
                .select(leads::customer_id)
                .first(conn)
                .optional()?;
            match lead_customer {
                None => {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "lead_id",
                        "not_found",
                        format!("there is no lead {lead_id}"),
                    )]))
                }
                Some(Some(c)) if c != new.customer_id => {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "lead_id",
                        "invalid",
                        "the lead was converted into another customer",
                    )]))
                }
                _ => {}
            }
        }
        let id = create_draft(
            conn,
            ctx,
            new.customer_id,
            new.lead_id,
            new.channel,
            new.notes.as_deref(),
        )?;
        if !new.lines.is_empty() {
            let order = lock_order(conn, id, None)?;
            let customer = customer_facts(conn, order.customer_id)?;
            for (i, line) in new.lines.iter().enumerate() {
                let row = insert_line(conn, ctx, &order, &customer, line)
                    .map_err(|e| prefix_fields(e, &format!("lines[{i}].")))?;
                record_line_change(conn, ctx, "order.line_added", &order, None, Some(&row))?;
            }
            // The order was created at version 1; its first lines do not make a new version.
            let totals = totals_of(conn, id)?;
            diesel::update(orders::table.find(id))
                .set((
                    orders::one_time_subtotal.eq(totals.one_time_subtotal),
                    orders::one_time_tax.eq(totals.one_time_tax),
                    orders::monthly_subtotal.eq(totals.monthly_subtotal),
                    orders::monthly_tax.eq(totals.monthly_tax),
                ))
                .execute(conn)?;
        }
        find_order(conn, id)
    })
}

/// Field errors of a nested line name the line: `lines[2].product_id`.
fn prefix_fields(err: ApiError, prefix: &str) -> ApiError {
    if err.code() != "validation_failed" {
        return err;
    }
    let errors = err
        .to_problem()
        .errors
        .into_iter()
        .map(|e| FieldError {
            field: format!("{prefix}{}", e.field),
            ..e
        })
        .collect();
    ApiError::validation(errors)
}

/// Changes the notes or the channel of a draft.
pub fn update_order(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: OrderPatch,
) -> ApiResult<OrderView> {
    conn.transaction(|conn| {
        let before = lock_order(conn, id, expected_version)?;
        let status = status_of(&before)?;
        if !status.is_editable() {
            return Err(not_editable(status));
        }
        let notes = patch.notes.clone().unwrap_or_else(|| before.notes.clone());
        let channel = patch
            .channel
            .map_or_else(|| before.channel.clone(), |c| c.as_str().to_owned());
        let after = diesel::update(orders::table.find(id))
            .set((
                orders::notes.eq(&notes),
                orders::channel.eq(&channel),
                orders::version.eq(before.version + 1),
                orders::updated_at.eq(ctx.now),
            ))
            .returning(OrderRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "order.updated",
                entity_type: "order",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({"notes": before.notes, "channel": before.channel})),
                after: Some(
                    serde_json::json!({"number": after.number, "notes": notes, "channel": channel}),
                ),
                customer_id: Some(after.customer_id),
            },
        )?;
        view_of(conn, after)
    })
}

/// Adds a line to a draft, priced from the catalog now; the price is frozen on the line.
pub fn add_line(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    line: NewLine,
) -> ApiResult<(OrderView, i64)> {
    conn.transaction(|conn| {
        let order = lock_order(conn, id, expected_version)?;
        let status = status_of(&order)?;
        if !status.is_editable() {
            return Err(not_editable(status));
        }
        let customer = customer_facts(conn, order.customer_id)?;
        let row = insert_line(conn, ctx, &order, &customer, &line)?;
        let after = store_totals(conn, ctx, &order)?;
        record_line_change(conn, ctx, "order.line_added", &after, None, Some(&row))?;
        Ok((view_of(conn, after)?, row.id))
    })
}

fn lock_line(conn: &mut PgConnection, order_id: i64, line_id: i64) -> ApiResult<OrderLineRow> {
    order_lines::table
        .find(line_id)
        .filter(order_lines::order_id.eq(order_id))
        .select(OrderLineRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("order line"))
}

/// Changes the quantity or the promotion of a line. The unit prices stay as they were
/// frozen when the line was added; a new promotion is checked against the catalog now.
pub fn update_line(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    line_id: i64,
    expected_version: Option<i32>,
    patch: LinePatch,
) -> ApiResult<OrderView> {
    conn.transaction(|conn| {
        let order = lock_order(conn, id, expected_version)?;
        let status = status_of(&order)?;
        if !status.is_editable() {
            return Err(not_editable(status));
        }
        let before = lock_line(conn, id, line_id)?;
        let customer = customer_facts(conn, order.customer_id)?;
        let quantity = match patch.quantity {
            Some(q) => check_quantity(q)?,
            None => before.quantity,
        };
        let product_id: i64 = match before.product_version_id {
            Some(version_id) => product_versions::table
                .find(version_id)
                .select(product_versions::product_id)
                .first(conn)?,
            None => return Err(not_editable(status)),
        };
        // A promotion already on the line keeps the terms it was applied with.
        let promotion = match &patch.promotion {
            None => AppliedPromotion::of_line(&before),
            Some(None) => None,
            Some(Some(reference)) => Some(applicable_promotion(
                conn,
                reference,
                product_id,
                &order.currency,
                ctx.now,
            )?),
        };
        let price = price_line(
            &LineInput {
                unit_monthly: before.unit_monthly,
                unit_one_time: before.unit_one_time,
                quantity: quantity as u32,
                discount: promotion.map(|p| p.discount),
                tax_rate: if customer.tax_exempt {
                    Decimal::ZERO
                } else {
                    before.tax_rate
                },
                taxable: true,
            },
            currency_of(&order)?,
            customer.tax_exempt,
        );
        let line = diesel::update(order_lines::table.find(line_id))
            .set((
                order_lines::quantity.eq(quantity),
                order_lines::promotion_id.eq(promotion.map(|p| p.id)),
                order_lines::promotion_kind.eq(promotion.as_ref().map(AppliedPromotion::kind)),
                order_lines::promotion_value.eq(promotion.as_ref().map(AppliedPromotion::value)),
                order_lines::promotion_cycles.eq(promotion.and_then(|p| p.cycles)),
                order_lines::discount_monthly.eq(price.discount_monthly),
                order_lines::monthly_amount.eq(price.monthly_amount),
                order_lines::monthly_tax.eq(price.monthly_tax),
                order_lines::one_time_amount.eq(price.one_time_amount),
                order_lines::one_time_tax.eq(price.one_time_tax),
            ))
            .returning(OrderLineRow::as_returning())
            .get_result(conn)?;
        let after = store_totals(conn, ctx, &order)?;
        record_line_change(
            conn,
            ctx,
            "order.line_changed",
            &after,
            Some(&before),
            Some(&line),
        )?;
        view_of(conn, after)
    })
}

/// Removes a line from a draft.
pub fn remove_line(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    line_id: i64,
    expected_version: Option<i32>,
) -> ApiResult<OrderView> {
    conn.transaction(|conn| {
        let order = lock_order(conn, id, expected_version)?;
        let status = status_of(&order)?;
        if !status.is_editable() {
            return Err(not_editable(status));
        }
        let before = lock_line(conn, id, line_id)?;
        diesel::delete(order_lines::table.find(line_id)).execute(conn)?;
        let after = store_totals(conn, ctx, &order)?;
        record_line_change(conn, ctx, "order.line_removed", &after, Some(&before), None)?;
        view_of(conn, after)
    })
}

fn reason_json(reason: &Reason, currency: &str) -> CreditReason {
    let m = |d: Decimal| for_display(d, currency);
    match reason {
        Reason::OverdueBalance { overdue } => CreditReason {
            code: "overdue_balance".into(),
            message: format!(
                "The customer has an overdue balance of {} {currency}.",
                m(*overdue)
            ),
            amount: m(*overdue),
            limit: None,
        },
        Reason::CreditLimitExceeded { exposure, limit } => CreditReason {
            code: "credit_limit_exceeded".into(),
            message: format!(
                "The balance plus the new monthly charges come to {} {currency}, above the credit limit of {} {currency}.",
                m(*exposure),
                m(*limit)
            ),
            amount: m(*exposure),
            limit: Some(m(*limit)),
        },
        Reason::AboveApprovalThreshold { amount, threshold } => CreditReason {
            code: "above_approval_threshold".into(),
            message: format!(
                "The order comes to {} {currency}, above the {} {currency} a manager must approve.",
                m(*amount),
                m(*threshold)
            ),
            amount: m(*amount),
            limit: Some(m(*threshold)),
        },
    }
}

/// Submits a draft: runs the credit check of the customer's class, stores the decision and
/// its reasons, charges the deposit it asks for as a one-time line, and either approves the
/// order (nothing needs a manager) or puts it in the approval queue.
pub fn submit(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    provisioning: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
) -> ApiResult<OrderView> {
    conn.transaction(|conn| {
        let order = lock_order(conn, id, expected_version)?;
        let from = status_of(&order)?;
        transition(from, Status::Submitted).map_err(invalid_transition)?;
        let line_count: i64 = order_lines::table
            .filter(order_lines::order_id.eq(id))
            .count()
            .get_result(conn)?;
        if line_count == 0 {
            return Err(unprocessable(
                "order_empty",
                "the order has no lines; add a product before submitting",
            ));
        }
        let customer = customer_facts(conn, order.customer_id)?;
        if customer.status == "closed" {
            return Err(ApiError::conflict(
                "customer_closed",
                "a closed customer cannot place orders",
            ));
        }
        let class = customer_classes::table
            .find(customer.class_id)
            .select(CustomerClassRow::as_select())
            .first(conn)?;
        let policy = customer_classes_service::policy_of(&class)?;
        let entries: Vec<(Decimal, Option<NaiveDate>)> = ledger_entries::table
            .filter(ledger_entries::customer_id.eq(order.customer_id))
            .select((ledger_entries::amount, ledger_entries::due_on))
            .load(conn)?;
        let (balance, overdue) = standing(&entries, ctx.now.date_naive());
        let totals = Totals {
            one_time_subtotal: order.one_time_subtotal,
            one_time_tax: order.one_time_tax,
            monthly_subtotal: order.monthly_subtotal,
            monthly_tax: order.monthly_tax,
        };
        let decision = check_order(
            &policy,
            CreditStanding { balance, overdue },
            CreditTotals {
                one_time: totals.one_time_total(),
                monthly: totals.monthly_total(),
            },
        );
        let currency = order.currency.clone();
        let record = CreditCheck {
            outcome: if decision.needs_approval {
                CreditOutcome::NeedsApproval
            } else {
                CreditOutcome::Approved
            },
            reasons: decision
                .reasons
                .iter()
                .map(|r| reason_json(r, &currency))
                .collect(),
            deposit: decision.deposit.map(|d| for_display(d, &currency)),
            balance: for_display(balance, &currency),
            overdue: for_display(overdue, &currency),
            customer_class: class.code.clone(),
            credit_limit: for_display(class.credit_limit, &class.currency),
            approval_threshold: for_display(class.approval_threshold, &class.currency),
            checked_at: ctx.now,
        };
        if let Some(deposit) = decision.deposit {
            let price = price_line(
                &LineInput {
                    unit_monthly: Decimal::ZERO,
                    unit_one_time: deposit,
                    quantity: 1,
                    discount: None,
                    tax_rate: Decimal::ZERO,
                    taxable: false,
                },
                currency_of(&order)?,
                customer.tax_exempt,
            );
            let position = next_position(conn, id)?;
            diesel::insert_into(order_lines::table)
                .values(NewOrderLineRow {
                    order_id: id,
                    customer_id: order.customer_id,
                    position,
                    action: "add",
                    kind: "deposit",
                    product_version_id: None,
                    promotion_id: None,
                    description: "Deposit",
                    quantity: 1,
                    unit_monthly: Decimal::ZERO,
                    unit_one_time: deposit,
                    discount_monthly: Decimal::ZERO,
                    tax_rate: Decimal::ZERO,
                    monthly_amount: Decimal::ZERO,
                    monthly_tax: Decimal::ZERO,
                    one_time_amount: price.one_time_amount,
                    one_time_tax: Decimal::ZERO,
                    created_at: ctx.now,
                    promotion_kind: None,
                    promotion_value: None,
                    promotion_cycles: None,
                })
                .execute(conn)?;
        }
        let to = if decision.needs_approval {
            Status::PendingApproval
        } else {
            Status::Approved
        };
        transition(Status::Submitted, to).map_err(invalid_transition)?;
        let credit_json = serde_json::to_value(&record).map_err(ApiError::internal)?;
        let with_totals = store_totals(conn, ctx, &order)?;
        let auto_reason = format!(
            "Approved automatically: within the credit policy of the {} class",
            class.name
        );
        let after = diesel::update(orders::table.find(id))
            .set((
                orders::status.eq(to.as_str()),
                orders::credit_check.eq(&credit_json),
                orders::submitted_at.eq(ctx.now),
                orders::decided_at.eq((to == Status::Approved).then_some(ctx.now)),
                orders::decision_reason.eq((to == Status::Approved).then_some(auto_reason.as_str())),
                orders::decided_by.eq(None::<i64>),
            ))
            .returning(OrderRow::as_returning())
            .get_result(conn)?;
        debug_assert_eq!(after.version, with_totals.version);
        let summary = |status: &str| {
            serde_json::json!({
                "number": after.number,
                "status": status,
                "one_time_total": for_display(after.one_time_subtotal + after.one_time_tax, &currency),
                "monthly_total": for_display(after.monthly_subtotal + after.monthly_tax, &currency),
                "currency": currency,
            })
        };
        audit::record(
            conn,
            ctx,
            Change {
                action: "order.submitted",
                entity_type: "order",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({"status": from.as_str()})),
                after: Some(summary("submitted")),
                customer_id: Some(order.customer_id),
            },
        )?;
        let mut decided = summary(to.as_str());
        decided["credit_check"] = credit_json;
        if to == Status::Approved {
            decided["reason"] = serde_json::json!(auto_reason);
        }
        audit::record(
            conn,
            ctx,
            Change {
                action: if to == Status::Approved {
                    "order.approved"
                } else {
                    "order.pending_approval"
                },
                entity_type: "order",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({"status": "submitted"})),
                after: Some(decided),
                customer_id: Some(order.customer_id),
            },
        )?;
        let after = if to == Status::Approved {
            subscriptions::fulfil(conn, ctx, provisioning, &after)?
        } else {
            after
        };
        view_of(conn, after)
    })
}

/// A manager's decision on an order waiting for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// Approves or rejects an order in the approval queue; the reason is required and stored.
pub fn decide(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    provisioning: &ProvisioningConfig,
    id: i64,
    expected_version: Option<i32>,
    decision: Decision,
    reason: &str,
) -> ApiResult<OrderView> {
    let to = match decision {
        Decision::Approve => Status::Approved,
        Decision::Reject => Status::Rejected,
    };
    change_status(
        conn,
        ctx,
        Some(provisioning),
        id,
        expected_version,
        to,
        reason,
    )
}

/// Cancels an order that has not gone to provisioning; the reason is required and stored.
pub fn cancel(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    reason: &str,
) -> ApiResult<OrderView> {
    change_status(
        conn,
        ctx,
        None,
        id,
        expected_version,
        Status::Cancelled,
        reason,
    )
}

fn change_status(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    provisioning: Option<&ProvisioningConfig>,
    id: i64,
    expected_version: Option<i32>,
    to: Status,
    reason: &str,
) -> ApiResult<OrderView> {
    let decided_by = match &ctx.actor {
        Actor::Principal(p) => match p.subject {
            Subject::User(id) => Some(id),
            _ => None,
        },
        _ => None,
    };
    conn.transaction(|conn| {
        let order = lock_order(conn, id, expected_version)?;
        let from = status_of(&order)?;
        transition(from, to).map_err(invalid_transition)?;
        let after = diesel::update(orders::table.find(id))
            .set((
                orders::status.eq(to.as_str()),
                orders::decision_reason.eq(reason),
                orders::decided_by.eq(decided_by),
                orders::decided_at.eq(ctx.now),
                orders::cancelled_at.eq(if to == Status::Cancelled {
                    Some(ctx.now)
                } else {
                    order.cancelled_at
                }),
                orders::version.eq(order.version + 1),
                orders::updated_at.eq(ctx.now),
            ))
            .returning(OrderRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: match to {
                    Status::Approved => "order.approved",
                    Status::Rejected => "order.rejected",
                    _ => "order.cancelled",
                },
                entity_type: "order",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({"status": from.as_str()})),
                after: Some(serde_json::json!({
                    "number": after.number,
                    "status": to.as_str(),
                    "reason": reason,
                    "decided_by": ctx.actor.label(),
                })),
                customer_id: Some(order.customer_id),
            },
        )?;
        let after = match provisioning {
            Some(config) if to == Status::Approved => {
                subscriptions::fulfil(conn, ctx, config, &after)?
            }
            _ => after,
        };
        view_of(conn, after)
    })
}

/// The products an agent can put on this order now: not retired, with a current version in
/// the order's currency, priced with the customer's tax rate, and the promotions that apply.
pub fn sellable_products(
    conn: &mut PgConnection,
    order_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<Vec<SellableProduct>> {
    let order = orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("order"))?;
    let customer = customer_facts(conn, order.customer_id)?;
    let today = now.date_naive();
    // The current version of each product: the highest version already valid.
    let candidates: Vec<(i64, String, String, String, String)> = products::table
        .filter(
            products::retired_at
                .is_null()
                .or(products::retired_at.gt(now)),
        )
        .order(products::id.asc())
        .select((
            products::id,
            products::code,
            products::name,
            products::kind,
            products::tax_category,
        ))
        .load(conn)?;
    let mut out = Vec::new();
    for (product_id, code, name, kind, tax_category) in candidates {
        type VersionCols = (
            i64,
            i32,
            String,
            Decimal,
            Decimal,
            Option<i32>,
            Option<i32>,
            i32,
        );
        let version: Option<VersionCols> = product_versions::table
            .filter(product_versions::product_id.eq(product_id))
            .filter(product_versions::valid_from.le(now))
            .order(product_versions::version.desc())
            .select((
                product_versions::id,
                product_versions::version,
                product_versions::currency,
                product_versions::monthly_price,
                product_versions::one_time_price,
                product_versions::download_mbps,
                product_versions::upload_mbps,
                product_versions::contract_months,
            ))
            .first(conn)
            .optional()?;
        let Some((version_id, version, currency, monthly, one_time, down, up, contract)) = version
        else {
            continue;
        };
        if currency != order.currency {
            continue;
        }
        let tax_rate = if customer.tax_exempt {
            Decimal::ZERO
        } else {
            tax_rate_for(conn, &customer.tax_zone, &tax_category, today)?
        };
        type PromoCols = (
            i64,
            Option<String>,
            String,
            String,
            Decimal,
            Option<String>,
            Option<i32>,
        );
        let promos: Vec<PromoCols> = promotions::table
            .inner_join(promotion_products::table)
            .filter(promotion_products::product_id.eq(product_id))
            .filter(promotions::active.eq(true))
            .filter(promotions::valid_from.le(now))
            .filter(
                promotions::valid_to
                    .is_null()
                    .or(promotions::valid_to.gt(now)),
            )
            .order(promotions::id.asc())
            .select((
                promotions::id,
                promotions::code,
                promotions::name,
                promotions::kind,
                promotions::value,
                promotions::currency,
                promotions::cycles,
            ))
            .load(conn)?;
        let promotions = promos
            .into_iter()
            .filter(|p| p.3 == "percent" || p.5.as_deref() == Some(order.currency.as_str()))
            .map(
                |(id, code, name, kind, value, _, cycles)| SellablePromotion {
                    id,
                    code,
                    name,
                    kind,
                    value,
                    cycles,
                },
            )
            .collect();
        out.push(SellableProduct {
            product_id,
            code,
            name,
            kind,
            version_id,
            version,
            currency,
            monthly_price: monthly,
            one_time_price: one_time,
            download_mbps: down,
            upload_mbps: up,
            contract_months: contract,
            tax_rate,
            promotions,
        });
    }
    Ok(out)
}
