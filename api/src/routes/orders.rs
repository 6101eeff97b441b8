//! Orders: an agent (or a CRM) builds a draft from the catalog, submits it to the credit
//! check, and a manager approves or rejects what the check sends to the approval queue.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::FieldErrors;
use super::{etag, if_match, nullable};
use crate::db;
use crate::domain::money::for_display as money;
use crate::domain::order::Status;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::orders::{
    self as service, Channel, CreditCheck, CreditOutcome, Decision, LinePatch, LineView, NewLine,
    NewOrder, OrderFilter, OrderPatch, OrderSummary, OrderView, PromotionRef, SellableProduct,
};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_orders)
        .service(create_order)
        .service(get_order)
        .service(update_order)
        .service(list_sellable_products)
        .service(add_order_line)
        .service(update_order_line)
        .service(delete_order_line)
        .service(submit_order)
        .service(approve_order)
        .service(reject_order)
        .service(cancel_order);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Draft,
    Submitted,
    PendingApproval,
    Approved,
    Rejected,
    Provisioning,
    Completed,
    Cancelled,
}

impl OrderStatus {
    fn of(status: &str) -> OrderStatus {
        serde_json::from_value(serde_json::Value::String(status.to_owned()))
            .unwrap_or(OrderStatus::Draft)
    }
}

/// Where the order was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderChannel {
    CallCenter,
    SelfService,
    InPerson,
    Api,
}

impl OrderChannel {
    fn to_service(self) -> Channel {
        match self {
            OrderChannel::CallCenter => Channel::CallCenter,
            OrderChannel::SelfService => Channel::SelfService,
            OrderChannel::InPerson => Channel::InPerson,
            OrderChannel::Api => Channel::Api,
        }
    }

    fn of(channel: &str) -> OrderChannel {
        serde_json::from_value(serde_json::Value::String(channel.to_owned()))
            .unwrap_or(OrderChannel::CallCenter)
    }
}

/// What a line does: `add` a product. `change` and `remove` are refused
/// (`subscription_required`): the subscription's own commands change or end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineAction {
    Add,
    Change,
    Remove,
}

/// What a line is: a plan, an add-on, a one-time product, or the deposit the credit check
/// asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Plan,
    Addon,
    OneTime,
    Deposit,
}

impl LineKind {
    fn of(kind: &str) -> LineKind {
        serde_json::from_value(serde_json::Value::String(kind.to_owned()))
            .unwrap_or(LineKind::OneTime)
    }
}

/// One line of an order. Prices, promotion and tax rate were taken from the catalog when the
/// line was added and stay as they were; each amount is rounded to the minor unit once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    pub id: i64,
    pub position: i32,
    pub action: LineAction,
    pub kind: LineKind,
    /// Null for the deposit.
    pub product_id: Option<i64>,
    pub product_code: Option<String>,
    /// The product version the price was taken from.
    pub product_version_id: Option<i64>,
    pub description: String,
    pub promotion_id: Option<i64>,
    pub promotion_code: Option<String>,
    pub promotion_name: Option<String>,
    /// Billing cycles the promotion lasts; null: forever.
    pub promotion_cycles: Option<i32>,
    pub quantity: i32,
    #[schema(value_type = String, example = "39.00")]
    pub unit_monthly: Decimal,
    #[schema(value_type = String, example = "49.00")]
    pub unit_one_time: Decimal,
    /// The promotion's monthly discount on the whole line.
    #[schema(value_type = String, example = "19.50")]
    pub discount_monthly: Decimal,
    /// The tax rate applied, in percent (0 for exempt customers and deposits).
    #[schema(value_type = String, example = "8.25")]
    pub tax_rate: Decimal,
    /// Monthly charge after the promotion, before tax.
    #[schema(value_type = String, example = "19.50")]
    pub monthly_amount: Decimal,
    #[schema(value_type = String, example = "1.61")]
    pub monthly_tax: Decimal,
    #[schema(value_type = String, example = "49.00")]
    pub one_time_amount: Decimal,
    #[schema(value_type = String, example = "4.04")]
    pub one_time_tax: Decimal,
}

impl OrderLine {
    fn from_view(line: LineView, currency: &str) -> Self {
        let r = line.row;
        OrderLine {
            id: r.id,
            position: r.position,
            action: match r.action.as_str() {
                "change" => LineAction::Change,
                "remove" => LineAction::Remove,
                _ => LineAction::Add,
            },
            kind: LineKind::of(&r.kind),
            product_id: line.product_id,
            product_code: line.product_code,
            product_version_id: r.product_version_id,
            description: r.description,
            promotion_id: r.promotion_id,
            promotion_code: line.promotion_code,
            promotion_name: line.promotion_name,
            promotion_cycles: line.promotion_cycles,
            quantity: r.quantity,
            unit_monthly: money(r.unit_monthly, currency),
            unit_one_time: money(r.unit_one_time, currency),
            discount_monthly: money(r.discount_monthly, currency),
            tax_rate: r.tax_rate.normalize(),
            monthly_amount: money(r.monthly_amount, currency),
            monthly_tax: money(r.monthly_tax, currency),
            one_time_amount: money(r.one_time_amount, currency),
            one_time_tax: money(r.one_time_tax, currency),
        }
    }
}

/// The order's totals: sums of its rounded lines.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderTotals {
    #[schema(value_type = String, example = "49.00")]
    pub one_time_subtotal: Decimal,
    #[schema(value_type = String, example = "4.04")]
    pub one_time_tax: Decimal,
    #[schema(value_type = String, example = "53.04")]
    pub one_time_total: Decimal,
    #[schema(value_type = String, example = "19.50")]
    pub monthly_subtotal: Decimal,
    #[schema(value_type = String, example = "1.61")]
    pub monthly_tax: Decimal,
    #[schema(value_type = String, example = "21.11")]
    pub monthly_total: Decimal,
    /// The one-time total plus the first month's total.
    #[schema(value_type = String, example = "74.15")]
    pub first_invoice_total: Decimal,
}

fn totals_of(order: &crate::db::orders::OrderRow) -> OrderTotals {
    let c = order.currency.as_str();
    let one_time = order.one_time_subtotal + order.one_time_tax;
    let monthly = order.monthly_subtotal + order.monthly_tax;
    OrderTotals {
        one_time_subtotal: money(order.one_time_subtotal, c),
        one_time_tax: money(order.one_time_tax, c),
        one_time_total: money(one_time, c),
        monthly_subtotal: money(order.monthly_subtotal, c),
        monthly_tax: money(order.monthly_tax, c),
        monthly_total: money(monthly, c),
        first_invoice_total: money(one_time + monthly, c),
    }
}

/// An order with its lines, totals, and the credit check made at submission.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: i64,
    /// Readable number, e.g. `ORD-000042`.
    pub number: String,
    pub customer_id: i64,
    /// The company name of a business customer, else the customer's name.
    pub customer_name: String,
    pub account_number: String,
    pub lead_id: Option<i64>,
    pub status: OrderStatus,
    pub channel: OrderChannel,
    /// The customer's currency; every amount of the order is in it.
    pub currency: String,
    pub notes: Option<String>,
    pub lines: Vec<OrderLine>,
    pub totals: OrderTotals,
    /// Null until the order is submitted.
    pub credit_check: Option<CreditCheck>,
    /// Why the order was approved, rejected or cancelled.
    pub decision_reason: Option<String>,
    /// The staff user who approved, rejected or cancelled it; null when automatic.
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Who opened the order: `user:<id>` or `api_client:<id>`.
    pub created_by: String,
    /// Increases with every change; send it back as `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrderView> for Order {
    fn from(view: OrderView) -> Self {
        let o = view.order;
        let currency = o.currency.clone();
        Order {
            id: o.id,
            totals: totals_of(&o),
            number: o.number,
            customer_id: o.customer_id,
            customer_name: view.customer_name,
            account_number: view.account_number,
            lead_id: o.lead_id,
            status: OrderStatus::of(&o.status),
            channel: OrderChannel::of(&o.channel),
            notes: o.notes,
            lines: view
                .lines
                .into_iter()
                .map(|l| OrderLine::from_view(l, &currency))
                .collect(),
            credit_check: o.credit_check.and_then(|v| serde_json::from_value(v).ok()),
            decision_reason: o.decision_reason,
            decided_by: o.decided_by,
            decided_at: o.decided_at,
            submitted_at: o.submitted_at,
            cancelled_at: o.cancelled_at,
            created_by: o.created_by,
            version: o.version,
            created_at: o.created_at,
            updated_at: o.updated_at,
            currency,
        }
    }
}

/// One order in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderListItem {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub account_number: String,
    pub status: OrderStatus,
    pub channel: OrderChannel,
    pub currency: String,
    pub line_count: i64,
    #[schema(value_type = String, example = "21.11")]
    pub monthly_total: Decimal,
    #[schema(value_type = String, example = "53.04")]
    pub one_time_total: Decimal,
    #[schema(value_type = String, example = "74.15")]
    pub first_invoice_total: Decimal,
    /// The credit check's outcome; null before submission.
    pub credit_outcome: Option<CreditOutcome>,
    /// How many reasons the credit check gave a manager to look at.
    pub credit_reasons: Vec<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrderSummary> for OrderListItem {
    fn from(s: OrderSummary) -> Self {
        let t = totals_of(&s.order);
        let o = s.order;
        let check: Option<CreditCheck> =
            o.credit_check.and_then(|v| serde_json::from_value(v).ok());
        OrderListItem {
            id: o.id,
            number: o.number,
            customer_id: o.customer_id,
            customer_name: s.customer_name,
            account_number: s.account_number,
            status: OrderStatus::of(&o.status),
            channel: OrderChannel::of(&o.channel),
            currency: o.currency,
            line_count: s.line_count,
            monthly_total: t.monthly_total,
            one_time_total: t.one_time_total,
            first_invoice_total: t.first_invoice_total,
            credit_outcome: check.as_ref().map(|c| c.outcome),
            credit_reasons: check
                .map(|c| c.reasons.into_iter().map(|r| r.message).collect())
                .unwrap_or_default(),
            submitted_at: o.submitted_at,
            version: o.version,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderListItem>,
    pub next_cursor: Option<String>,
}

/// A line to put on an order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// `add` a product. `change` and `remove` are refused with 422 `subscription_required`:
    /// a live subscription is changed with `POST /subscriptions/{id}/change-plan` and ended
    /// with `POST /subscriptions/{id}/terminate`.
    pub action: LineAction,
    /// The product to add (required for `add`).
    pub product_id: Option<i64>,
    /// The subscription to change or remove.
    pub subscription_id: Option<i64>,
    /// A promotion by id…
    pub promotion_id: Option<i64>,
    /// …or by the code the customer quotes (not both).
    pub promotion_code: Option<String>,
    /// 1–1000, default 1.
    #[schema(minimum = 1, maximum = 1000)]
    pub quantity: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    pub customer_id: i64,
    pub channel: OrderChannel,
    /// The lead the order came from.
    pub lead_id: Option<i64>,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// Lines to add at once (at most 50).
    pub lines: Option<Vec<LineRequest>>,
}

/// Fields to change on a draft; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrderRequest {
    /// null clears the notes.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub notes: Option<Option<String>>,
    pub channel: Option<OrderChannel>,
}

/// Fields of a line to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLineRequest {
    #[schema(minimum = 1, maximum = 1000)]
    pub quantity: Option<u32>,
    /// A promotion by id; null removes the line's promotion.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub promotion_id: Option<Option<i64>>,
    /// A promotion by code (instead of `promotion_id`).
    pub promotion_code: Option<String>,
}

/// Why: required for approving, rejecting and cancelling.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SellablePromotionItem {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    /// `percent` or `amount` (per unit and month).
    pub kind: String,
    #[schema(value_type = String, example = "50")]
    pub value: Decimal,
    /// Billing cycles it lasts; null: forever.
    pub cycles: Option<i32>,
}

/// A product that can go on the order now, at its current price.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SellableProductItem {
    pub product_id: i64,
    pub code: String,
    pub name: String,
    /// `plan`, `addon` or `one_time`.
    pub kind: String,
    pub version_id: i64,
    pub version: i32,
    pub currency: String,
    #[schema(value_type = String, example = "39.00")]
    pub monthly_price: Decimal,
    #[schema(value_type = String, example = "49.00")]
    pub one_time_price: Decimal,
    pub download_mbps: Option<i32>,
    pub upload_mbps: Option<i32>,
    pub contract_months: i32,
    /// The tax rate this order's customer pays on it, in percent.
    #[schema(value_type = String, example = "8.25")]
    pub tax_rate: Decimal,
    pub promotions: Vec<SellablePromotionItem>,
}

impl From<SellableProduct> for SellableProductItem {
    fn from(p: SellableProduct) -> Self {
        let c = p.currency.clone();
        SellableProductItem {
            product_id: p.product_id,
            code: p.code,
            name: p.name,
            kind: p.kind,
            version_id: p.version_id,
            version: p.version,
            monthly_price: money(p.monthly_price, &c),
            one_time_price: money(p.one_time_price, &c),
            download_mbps: p.download_mbps,
            upload_mbps: p.upload_mbps,
            contract_months: p.contract_months,
            tax_rate: p.tax_rate.normalize(),
            promotions: p
                .promotions
                .into_iter()
                .map(|pr| SellablePromotionItem {
                    value: if pr.kind == "percent" {
                        pr.value.normalize()
                    } else {
                        money(pr.value, &c)
                    },
                    id: pr.id,
                    code: pr.code,
                    name: pr.name,
                    kind: pr.kind,
                    cycles: pr.cycles,
                })
                .collect(),
            currency: c,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SellableProductList {
    pub items: Vec<SellableProductItem>,
}

/// Query of the order list. `status` may repeat (`status=draft&status=approved`) or be a
/// comma list (`status=draft,approved`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// Only orders in one of these statuses; `pending_approval` is the approval queue.
    #[param(explode = true)]
    pub status: Option<Vec<OrderStatus>>,
    pub customer_id: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

fn invalid_query(detail: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_query", detail)
}

/// Reads the list query by hand: serde's query parser does not take repeated keys.
fn parse_list_query(raw: &str) -> ApiResult<(OrderFilter, i64)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|e| invalid_query(format!("the query string is invalid: {e}")))?;
    let mut filter = OrderFilter::default();
    let mut limit = None;
    let mut cursor = None;
    for (key, value) in pairs {
        match key.as_str() {
            "status" | "status[]" => {
                for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let status = Status::parse(name).ok_or_else(|| {
                        invalid_query(format!("status: {name} is not an order status"))
                    })?;
                    if !filter.statuses.contains(&status) {
                        filter.statuses.push(status);
                    }
                }
            }
            "customer_id" => {
                filter.customer_id = Some(
                    value
                        .parse()
                        .map_err(|_| invalid_query("customer_id must be an integer"))?,
                );
            }
            "limit" => {
                limit = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| invalid_query("limit must be an integer"))?,
                );
            }
            "cursor" => cursor = Some(value),
            other => return Err(invalid_query(format!("unknown parameter {other}"))),
        }
    }
    let limit = pagination::limit(limit)?;
    filter.before_id = pagination::decode_cursor(cursor.as_deref())?;
    Ok((filter, limit))
}

fn with_etag(mut response: actix_web::HttpResponseBuilder, view: OrderView) -> HttpResponse {
    let order = Order::from(view);
    response.insert_header(etag(order.version)).json(order)
}

/// Free text may span lines, but carries no other control characters (PostgreSQL refuses NUL).
fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

fn check_notes(errors: &mut FieldErrors, field: &str, notes: Option<&str>) {
    match notes {
        Some(n) if n.chars().count() > 4000 => {
            errors.add(field, "too_long", "at most 4000 characters")
        }
        Some(n) if has_control(n) => {
            errors.add(field, "invalid", "must not contain control characters")
        }
        _ => {}
    }
}

fn check_reason(reason: &str) -> ApiResult<String> {
    let mut errors = FieldErrors::default();
    let trimmed = reason.trim();
    if trimmed.is_empty() {
        errors.add("reason", "required", "say why");
    } else if trimmed.chars().count() > 1000 {
        errors.add("reason", "too_long", "at most 1000 characters");
    } else if has_control(trimmed) {
        errors.add("reason", "invalid", "must not contain control characters");
    }
    errors.finish()?;
    Ok(trimmed.to_owned())
}

fn promotion_ref(
    errors: &mut FieldErrors,
    prefix: &str,
    id: Option<i64>,
    code: Option<&str>,
) -> Option<PromotionRef> {
    match (id, code) {
        (Some(_), Some(_)) => {
            errors.add(
                &format!("{prefix}promotion_code"),
                "invalid",
                "give promotion_id or promotion_code, not both",
            );
            None
        }
        (Some(id), None) => Some(PromotionRef::Id(id)),
        (None, Some(code)) => {
            let code = code.trim();
            let well_formed = (1..=40).contains(&code.len())
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !well_formed {
                errors.add(
                    &format!("{prefix}promotion_code"),
                    "invalid",
                    "1–40 letters, digits, - and _",
                );
                None
            } else {
                Some(PromotionRef::Code(code.to_owned()))
            }
        }
        (None, None) => None,
    }
}

/// Checks a line request; `change` and `remove` are refused (the subscription's own commands
/// do that).
fn line_of(
    errors: &mut FieldErrors,
    prefix: &str,
    line: &LineRequest,
) -> ApiResult<Option<NewLine>> {
    if line.action != LineAction::Add {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "subscription_required",
            format!(
                "{prefix}action: `{}` is not ordered: change a subscription's plan with \
                 POST /subscriptions/{{id}}/change-plan and end it with \
                 POST /subscriptions/{{id}}/terminate; orders only `add`",
                if line.action == LineAction::Change {
                    "change"
                } else {
                    "remove"
                }
            ),
        ));
    }
    if line.subscription_id.is_some() {
        errors.add(
            &format!("{prefix}subscription_id"),
            "invalid",
            "an `add` line acts on no subscription",
        );
    }
    let quantity = line.quantity.unwrap_or(1);
    if !(1..=1000).contains(&quantity) {
        errors.add(
            &format!("{prefix}quantity"),
            "invalid",
            "must be between 1 and 1000",
        );
    }
    let promotion = promotion_ref(
        errors,
        prefix,
        line.promotion_id,
        line.promotion_code.as_deref(),
    );
    let Some(product_id) = line.product_id else {
        errors.add(
            &format!("{prefix}product_id"),
            "required",
            "the product to add",
        );
        return Ok(None);
    };
    Ok(Some(NewLine {
        product_id,
        promotion,
        quantity,
    }))
}

/// List orders, newest first. Filter by status (`status=pending_approval` is the managers'
/// approval queue) and by customer.
#[utoipa::path(
    tag = "orders",
    params(OrderListQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/orders")]
pub async fn list_orders(state: State, req: HttpRequest) -> ApiResult<web::Json<OrderPage>> {
    let (filter, limit) = parse_list_query(req.query_string())?;
    let rows = db::run(&state.pool, move |conn| {
        service::list_orders(conn, &filter, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |r| r.order.id);
    Ok(web::Json(OrderPage {
        items: rows.into_iter().map(OrderListItem::from).collect(),
        next_cursor,
    }))
}

/// Open a draft order for a customer, in the customer's currency, optionally with its first
/// lines (priced from the catalog now).
#[utoipa::path(
    tag = "orders",
    request_body = CreateOrderRequest,
    responses(
        (status = 201, description = "The draft", body = Order),
        (status = 404, description = "`not_found` (customer)", body = Problem),
        (status = 409, description = "`customer_closed`", body = Problem),
        (status = 422, description = "`validation_failed`, `product_retired`, `product_not_available`, `currency_mismatch`, `promotion_not_applicable`, `subscription_required`", body = Problem),
    )
)]
#[post("/orders")]
pub async fn create_order(
    state: State,
    ctx: RequestContext,
    body: Json<CreateOrderRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    check_notes(&mut errors, "notes", body.notes.as_deref());
    let requested = body.lines.unwrap_or_default();
    if requested.len() > 50 {
        errors.add("lines", "too_long", "at most 50 lines at once");
    }
    let mut lines = Vec::new();
    for (i, line) in requested.iter().enumerate() {
        if let Some(l) = line_of(&mut errors, &format!("lines[{i}]."), line)? {
            lines.push(l);
        }
    }
    errors.finish()?;
    let new = NewOrder {
        customer_id: body.customer_id,
        channel: body.channel.to_service(),
        lead_id: body.lead_id,
        notes: body.notes.filter(|n| !n.trim().is_empty()),
        lines,
    };
    let view = db::run(&state.pool, move |conn| {
        service::create_order(conn, &ctx, new)
    })
    .await?;
    let location = format!("/api/v1/orders/{}", view.order.id);
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(with_etag(response, view))
}

/// Get an order with its lines, totals and credit check; its version is the `ETag`.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/orders/{id}")]
pub async fn get_order(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| service::find_order(conn, id)).await?;
    Ok(with_etag(HttpResponse::Ok(), view))
}

/// Change the notes or the channel of a draft order.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateOrderRequest,
    responses(
        (status = 200, description = "Updated", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `order_not_editable`", body = Problem),
    )
)]
#[patch("/orders/{id}")]
pub async fn update_order(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateOrderRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "order")?;
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    check_notes(
        &mut errors,
        "notes",
        body.notes.as_ref().and_then(|n| n.as_deref()),
    );
    errors.finish()?;
    let patch = OrderPatch {
        notes: body.notes.map(|n| n.filter(|n| !n.trim().is_empty())),
        channel: body.channel.map(OrderChannel::to_service),
    };
    let view = db::run(&state.pool, move |conn| {
        service::update_order(conn, &ctx, id, expected, patch)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), view))
}

/// The products that can be put on this order now: not retired, with a current price in the
/// order's currency, the tax rate its customer pays, and the promotions that apply.
#[utoipa::path(
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    responses(
        (status = 200, description = "Sellable products", body = SellableProductList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/orders/{id}/sellable-products")]
pub async fn list_sellable_products(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SellableProductList>> {
    let id = id.into_inner();
    let now = ctx.now;
    let items = db::run(&state.pool, move |conn| {
        service::sellable_products(conn, id, now)
    })
    .await?;
    Ok(web::Json(SellableProductList {
        items: items.into_iter().map(SellableProductItem::from).collect(),
    }))
}

/// Add a line to a draft order. The price, tax rate and promotion are taken from the catalog
/// now and frozen on the line; the order's totals are recomputed and its version bumped.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = LineRequest,
    responses(
        (status = 201, description = "The order with the new line", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `order_not_editable`", body = Problem),
        (status = 422, description = "`validation_failed`, `product_retired`, `product_not_available`, `currency_mismatch`, `promotion_not_applicable`, `subscription_required`", body = Problem),
    )
)]
#[post("/orders/{id}/lines")]
pub async fn add_order_line(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<LineRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "order")?;
    let mut errors = FieldErrors::default();
    let line = line_of(&mut errors, "", &body.into_inner())?;
    errors.finish()?;
    let Some(line) = line else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validated line missing"
        )));
    };
    let (view, line_id) = db::run(&state.pool, move |conn| {
        service::add_line(conn, &ctx, id, expected, line)
    })
    .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/orders/{id}/lines/{line_id}"),
    ));
    Ok(with_etag(response, view))
}

/// Change a line's quantity or promotion. Its unit prices stay as frozen when it was added.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("line_id" = i64, Path, description = "Line id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateLineRequest,
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `order_not_editable`", body = Problem),
        (status = 422, description = "`validation_failed`, `promotion_not_applicable`", body = Problem),
    )
)]
#[patch("/orders/{id}/lines/{line_id}")]
pub async fn update_order_line(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: Json<UpdateLineRequest>,
) -> ApiResult<HttpResponse> {
    let (id, line_id) = path.into_inner();
    let expected = if_match(&req, "order")?;
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    if body.quantity.is_some_and(|q| !(1..=1000).contains(&q)) {
        errors.add("quantity", "invalid", "must be between 1 and 1000");
    }
    let promotion = match (body.promotion_id, body.promotion_code.as_deref()) {
        (Some(Some(_)), Some(_)) | (Some(None), Some(_)) => {
            errors.add(
                "promotion_code",
                "invalid",
                "give promotion_id or promotion_code, not both",
            );
            None
        }
        (Some(None), None) => Some(None),
        (Some(Some(pid)), None) => Some(Some(PromotionRef::Id(pid))),
        (None, code) => promotion_ref(&mut errors, "", None, code).map(Some),
    };
    errors.finish()?;
    let patch = LinePatch {
        quantity: body.quantity,
        promotion,
    };
    let view = db::run(&state.pool, move |conn| {
        service::update_line(conn, &ctx, id, line_id, expected, patch)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), view))
}

/// Remove a line from a draft order.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("line_id" = i64, Path, description = "Line id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    responses(
        (status = 200, description = "The order without the line", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `order_not_editable`", body = Problem),
    )
)]
#[delete("/orders/{id}/lines/{line_id}")]
pub async fn delete_order_line(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, line_id) = path.into_inner();
    let expected = if_match(&req, "order")?;
    let view = db::run(&state.pool, move |conn| {
        service::remove_line(conn, &ctx, id, line_id, expected)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), view))
}

/// Submit a draft order. The credit check of the customer's class runs now: its outcome and
/// reasons are stored on the order, a deposit it asks for becomes a one-time line, and the
/// order is approved at once or goes to the approval queue (`pending_approval`).
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    responses(
        (status = 200, description = "The submitted order with its credit check", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `invalid_transition`, `customer_closed`; when approved at once, fulfilment: `ip_pool_exhausted`, `addon_needs_plan`", body = Problem),
        (status = 422, description = "`order_empty`", body = Problem),
    )
)]
#[post("/orders/{id}/submit")]
pub async fn submit_order(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req, "order")?;
    let provisioning = state.config.provisioning.clone();
    let view = db::run(&state.pool, move |conn| {
        service::submit(conn, &ctx, &provisioning, id, expected)
    })
    .await?;
    state.wake_provisioning();
    Ok(with_etag(HttpResponse::Ok(), view))
}

async fn decide(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: i64,
    decision: Option<Decision>,
    body: ReasonRequest,
) -> ApiResult<HttpResponse> {
    let expected = if_match(&req, "order")?;
    let reason = check_reason(&body.reason)?;
    let provisioning = state.config.provisioning.clone();
    let view = db::run(&state.pool, move |conn| match decision {
        Some(d) => service::decide(conn, &ctx, &provisioning, id, expected, d, &reason),
        None => service::cancel(conn, &ctx, id, expected, &reason),
    })
    .await?;
    state.wake_provisioning();
    Ok(with_etag(HttpResponse::Ok(), view))
}

/// Approve an order waiting in the approval queue (managers), with the reason.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Approved", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `invalid_transition`; fulfilment: `ip_pool_exhausted`, `addon_needs_plan`", body = Problem),
    )
)]
#[post("/orders/{id}/approve")]
pub async fn approve_order(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        ctx,
        req,
        id.into_inner(),
        Some(Decision::Approve),
        body.into_inner(),
    )
    .await
}

/// Reject an order waiting in the approval queue (managers), with the reason.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Rejected", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `invalid_transition`", body = Problem),
    )
)]
#[post("/orders/{id}/reject")]
pub async fn reject_order(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide(
        state,
        ctx,
        req,
        id.into_inner(),
        Some(Decision::Reject),
        body.into_inner(),
    )
    .await
}

/// Cancel an order that has not gone to provisioning, with the reason.
#[utoipa::path(
    tag = "orders",
    params(
        ("id" = i64, Path, description = "Order id"),
        ("If-Match" = Option<String>, Header, description = "The order's ETag, e.g. `\"3\"`"),
    ),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Cancelled", body = Order),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`, `invalid_transition`", body = Problem),
    )
)]
#[post("/orders/{id}/cancel")]
pub async fn cancel_order(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ReasonRequest>,
) -> ApiResult<HttpResponse> {
    decide(state, ctx, req, id.into_inner(), None, body.into_inner()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_repeat_or_come_as_a_comma_list() {
        let (f, limit) = parse_list_query("status=draft&status=approved,pending_approval").unwrap();
        assert_eq!(
            f.statuses,
            [Status::Draft, Status::Approved, Status::PendingApproval]
        );
        assert_eq!(limit, 50);
        assert_eq!(
            parse_list_query("status=shipped").unwrap_err().code(),
            "invalid_query"
        );
        assert_eq!(
            parse_list_query("colour=red").unwrap_err().code(),
            "invalid_query"
        );
        let (f, _) = parse_list_query("customer_id=7&limit=5").unwrap();
        assert_eq!(f.customer_id, Some(7));
    }

    #[test]
    fn free_text_refuses_control_characters_but_not_line_breaks() {
        assert!(has_control("a\u{0}b"));
        assert!(has_control("bell\u{7}"));
        assert!(!has_control("two\nlines\twith a tab"));
        assert!(check_reason("  ").is_err());
        assert_eq!(check_reason(" ok ").unwrap(), "ok");
        let mut errors = FieldErrors::default();
        assert_eq!(
            promotion_ref(&mut errors, "", None, Some("welcome3")),
            Some(PromotionRef::Code("welcome3".into()))
        );
        assert_eq!(promotion_ref(&mut errors, "", None, Some("x\u{0}")), None);
        assert!(errors.finish().is_err());
    }

    #[test]
    fn api_names_match_the_domain() {
        for s in Status::ALL {
            let dto = OrderStatus::of(s.as_str());
            assert_eq!(serde_json::to_value(dto).unwrap(), s.as_str());
        }
        for c in Channel::ALL {
            assert_eq!(
                serde_json::to_value(OrderChannel::of(c.as_str())).unwrap(),
                c.as_str()
            );
        }
    }
}
