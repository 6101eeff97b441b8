//! Customer classes and their credit policy. Staff read them; managers and admins change them.

use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::FieldErrors;
use super::{etag, if_match};
use crate::db::{self, models::CustomerClassRow};
use crate::domain::credit::DepositRule;
use crate::domain::identity::DisplayName;
use crate::domain::money::for_display as money;
use crate::error::{ApiResult, Problem};
use crate::extract::Json;
use crate::services::customer_classes::{self as service, ClassPatch};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_customer_classes)
        .service(get_customer_class)
        .service(update_customer_class);
}

/// How much deposit a new order of this class's customers must pay.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Deposit {
    None,
    /// A fixed amount in the class currency.
    Fixed {
        #[schema(value_type = String, example = "100.00")]
        amount: Decimal,
    },
    /// N months (1–24) of the order's recurring charges.
    MonthsOfRecurring {
        months: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Card,
    DirectDebit,
    BankTransfer,
    Cash,
    Cheque,
    PrepaidDeposit,
}

impl PaymentMethod {
    fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::DirectDebit => "direct_debit",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Cash => "cash",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::PrepaidDeposit => "prepaid_deposit",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }
}

/// A customer class and the credit policy it carries.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerClass {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub currency: String,
    /// Current balance plus a new order's monthly charges may not exceed this without a manager.
    #[schema(value_type = String, example = "150.00")]
    pub credit_limit: Decimal,
    /// Orders whose first invoice or monthly total exceed this need a manager.
    #[schema(value_type = String, example = "300.00")]
    pub approval_threshold: Decimal,
    pub deposit: Deposit,
    /// Days between an invoice and its due date.
    pub payment_terms_days: i32,
    pub payment_methods: Vec<PaymentMethod>,
    /// The dunning ladder the class's overdue customers follow.
    pub dunning_ladder: String,
    /// Whether a service suspended at the customer's request is still billed (otherwise the
    /// days of the pause are not charged).
    pub bill_customer_request_suspensions: bool,
    /// Increases with every change; send it back as `If-Match` to update.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The largest amount the NUMERIC(14, 4) columns hold, exclusive.
const MAX_AMOUNT: Decimal = Decimal::from_parts(1_410_065_408, 2, 0, false, 0);

impl From<CustomerClassRow> for CustomerClass {
    fn from(row: CustomerClassRow) -> Self {
        let deposit = match service::deposit_rule_of(&row) {
            DepositRule::None => Deposit::None,
            DepositRule::Fixed(amount) => Deposit::Fixed {
                amount: money(amount, &row.currency),
            },
            DepositRule::MonthsOfRecurring(months) => Deposit::MonthsOfRecurring { months },
        };
        CustomerClass {
            id: row.id,
            credit_limit: money(row.credit_limit, &row.currency),
            approval_threshold: money(row.approval_threshold, &row.currency),
            deposit,
            payment_methods: row
                .payment_methods
                .iter()
                .filter_map(|m| PaymentMethod::parse(m))
                .collect(),
            code: row.code,
            name: row.name,
            currency: row.currency,
            payment_terms_days: row.payment_terms_days,
            dunning_ladder: row.dunning_ladder,
            bill_customer_request_suspensions: row.bill_customer_request_suspensions,
            version: row.version,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerClassList {
    pub items: Vec<CustomerClass>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerClassRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(value_type = Option<String>, example = "150.00")]
    pub credit_limit: Option<Decimal>,
    #[schema(value_type = Option<String>, example = "300.00")]
    pub approval_threshold: Option<Decimal>,
    pub deposit: Option<Deposit>,
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    pub payment_methods: Option<Vec<PaymentMethod>>,
    pub dunning_ladder: Option<String>,
    pub bill_customer_request_suspensions: Option<bool>,
}

/// List customer classes.
#[utoipa::path(
    tag = "customer-classes",
    responses((status = 200, description = "Every class", body = CustomerClassList))
)]
#[get("/customer-classes")]
pub async fn list_customer_classes(state: State) -> ApiResult<web::Json<CustomerClassList>> {
    let rows = db::run(&state.pool, service::list_classes).await?;
    Ok(web::Json(CustomerClassList {
        items: rows.into_iter().map(CustomerClass::from).collect(),
    }))
}

/// Get one customer class, with its version as the `ETag`.
#[utoipa::path(
    tag = "customer-classes",
    params(("id" = i64, Path, description = "Customer class id")),
    responses(
        (status = 200, description = "The class", body = CustomerClass),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customer-classes/{id}")]
pub async fn get_customer_class(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = db::run(&state.pool, move |conn| service::find_class(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(CustomerClass::from(row)))
}

/// Change a customer class's credit policy.
///
/// Send the `ETag` of the class you read as `If-Match`; if someone changed it since, the
/// answer is 409 `version_conflict` and nothing is written.
#[utoipa::path(
    tag = "customer-classes",
    params(
        ("id" = i64, Path, description = "Customer class id"),
        ("If-Match" = Option<String>, Header, description = "The class's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateCustomerClassRequest,
    responses(
        (status = 200, description = "Updated", body = CustomerClass),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`", body = Problem),
    )
)]
#[patch("/customer-classes/{id}")]
pub async fn update_customer_class(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateCustomerClassRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let expected_version = if_match(&req, "class")?;
    let mut errors = FieldErrors::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| errors.check("name", DisplayName::parse(n)))
        .map(|n| n.as_str().to_owned());
    let deposit_amount = match &body.deposit {
        Some(Deposit::Fixed { amount }) => Some(*amount),
        _ => None,
    };
    for (field, value) in [
        ("credit_limit", body.credit_limit),
        ("approval_threshold", body.approval_threshold),
        ("deposit.amount", deposit_amount),
    ] {
        match value {
            Some(v) if v < Decimal::ZERO => errors.add(field, "invalid", "must not be negative"),
            Some(v) if v >= MAX_AMOUNT => {
                errors.add(field, "too_large", "must be below 10,000,000,000")
            }
            _ => {}
        }
    }
    let deposit_rule = match body.deposit {
        None => None,
        Some(Deposit::None) => Some(DepositRule::None),
        Some(Deposit::Fixed { amount }) if amount > Decimal::ZERO => {
            Some(DepositRule::Fixed(amount))
        }
        Some(Deposit::Fixed { amount }) => {
            // Negative amounts were named above.
            if amount.is_zero() {
                errors.add("deposit.amount", "invalid", "must be greater than zero");
            }
            None
        }
        Some(Deposit::MonthsOfRecurring { months }) if (1..=24).contains(&months) => {
            Some(DepositRule::MonthsOfRecurring(months))
        }
        Some(Deposit::MonthsOfRecurring { .. }) => {
            errors.add("deposit.months", "invalid", "must be between 1 and 24");
            None
        }
    };
    if body
        .payment_terms_days
        .is_some_and(|d| !(0..=365).contains(&d))
    {
        errors.add("payment_terms_days", "invalid", "must be between 0 and 365");
    }
    let payment_methods = body.payment_methods.map(|methods| {
        let mut names: Vec<String> = Vec::new();
        for m in methods {
            if !names.iter().any(|n| n == m.as_str()) {
                names.push(m.as_str().to_owned());
            }
        }
        names
    });
    if payment_methods.as_ref().is_some_and(Vec::is_empty) {
        errors.add("payment_methods", "required", "at least one payment method");
    }
    let ladder_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 64
            && l.starts_with(|c: char| c.is_ascii_lowercase())
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    if body
        .dunning_ladder
        .as_deref()
        .is_some_and(|l| !ladder_ok(l))
    {
        errors.add(
            "dunning_ladder",
            "invalid",
            "lower-case letters, digits and _ only",
        );
    }
    errors.finish()?;
    let patch = ClassPatch {
        name,
        credit_limit: body.credit_limit,
        approval_threshold: body.approval_threshold,
        deposit_rule,
        payment_terms_days: body.payment_terms_days,
        payment_methods,
        dunning_ladder: body.dunning_ladder,
        bill_customer_request_suspensions: body.bill_customer_request_suspensions,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_class(conn, &ctx, id, expected_version, patch)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(row.version))
        .json(CustomerClass::from(row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amount_bound_is_ten_billion() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10_000_000_000_i64));
    }
}
