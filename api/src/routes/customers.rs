//! Customers: profile and billing preferences, contacts, addresses and interactions. Staff
//! read; agents, managers and admins write. Status changes (suspend, close) are not here:
//! they belong to collections and provisioning.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::FieldErrors;
use super::{etag, if_match, nullable};
use crate::db::customers::{AddressRow, ContactRow};
use crate::db::leads::LeadRow;
use crate::db::models::CustomerRow;
use crate::db::{self};
use crate::domain::contact::{postal_code, text_line, CountryCode, PhoneNumber};
use crate::domain::identity::{DisplayName, EmailAddress};
use crate::domain::money::Currency;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Json;
use crate::pagination;
use crate::services::customers::{
    self as service, AddressInput, AddressPatch, BillingInput, ClassRef, ContactInput,
    ContactPatch, CustomerDetail, CustomerFilter, CustomerPatch, InteractionOf,
    InteractionWithAgent, NewCustomer, NewInteraction,
};
use crate::state::{RequestContext, State};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(list_contacts)
        .service(add_contact)
        .service(update_contact)
        .service(delete_contact)
        .service(list_addresses)
        .service(add_address)
        .service(update_address)
        .service(delete_address)
        .service(list_interactions)
        .service(log_interaction);
}

/// A string-valued enum of the API, stored as its snake_case name.
macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored value; the database's CHECK keeps it one of ours.
            pub fn from_db(s: &str) -> Self {
                [$($name::$variant),+].into_iter().find(|v| v.as_str() == s)
                    .unwrap_or([$($name::$variant),+][0])
            }
        }
    };
}
pub(crate) use api_enum;

api_enum!(CustomerKind { Residential => "residential", Business => "business" });
api_enum!(CustomerStatus { Active => "active", Suspended => "suspended", Closed => "closed" });
api_enum!(
    /// `calendar`: invoiced on `billing_day` of every month; `anniversary`: on the day the
    /// service started.
    BillingCycle { Calendar => "calendar", Anniversary => "anniversary" }
);
api_enum!(InvoiceDelivery { Email => "email", Paper => "paper", Portal => "portal" });
api_enum!(ContactRole { Primary => "primary", Billing => "billing", Technical => "technical", Other => "other" });
api_enum!(AddressKind { Service => "service", Billing => "billing" });
api_enum!(InteractionChannel { Call => "call", Email => "email", Visit => "visit", Chat => "chat", Sms => "sms", Note => "note" });
api_enum!(InteractionDirection { Inbound => "inbound", Outbound => "outbound", Internal => "internal" });

/// A customer class, by id (`2`) or by code (`"business"`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ClassSelector {
    Id(i64),
    Code(String),
}

impl From<ClassSelector> for ClassRef {
    fn from(c: ClassSelector) -> Self {
        match c {
            ClassSelector::Id(id) => ClassRef::Id(id),
            ClassSelector::Code(code) => ClassRef::Code(code),
        }
    }
}

/// Parsing helpers shared by the customer and lead routes.
pub struct Check<'a> {
    pub errors: &'a mut FieldErrors,
    pub calling_code: &'a str,
}

impl Check<'_> {
    pub fn name(&mut self, field: &str, value: &str) -> Option<String> {
        self.errors
            .check(field, DisplayName::parse(value))
            .map(|n| n.as_str().to_owned())
    }

    pub fn line(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        self.errors.check(field, text_line(value, max))
    }

    /// An optional free-text line: blank is `None`.
    pub fn optional_line(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        value
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| self.line(field, v, max))
    }

    pub fn email(&mut self, field: &str, value: &str) -> Option<String> {
        self.errors
            .check(field, EmailAddress::parse(value))
            .map(|e| e.as_str().to_owned())
    }

    pub fn phone(&mut self, field: &str, value: &str) -> Option<String> {
        self.errors
            .check(field, PhoneNumber::parse(value, self.calling_code))
            .map(|p| p.as_str().to_owned())
    }

    pub fn optional_email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| self.email(field, v))
    }

    pub fn optional_phone(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| self.phone(field, v))
    }

    pub fn country(&mut self, field: &str, value: &str) -> Option<String> {
        self.errors
            .check(field, CountryCode::parse(value))
            .map(|c| c.as_str().to_owned())
    }

    pub fn postal_code(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        value
            .filter(|v| !v.trim().is_empty())
            .and_then(|v| self.errors.check(field, postal_code(v)))
    }

    pub fn address(
        &mut self,
        prefix: &str,
        kind: AddressKind,
        a: &AddressRequest,
    ) -> Option<AddressInput> {
        let line1 = self.line(&format!("{prefix}line1"), &a.line1, 200);
        let line2 = self.optional_line(&format!("{prefix}line2"), a.line2.as_deref(), 200);
        let city = self.line(&format!("{prefix}city"), &a.city, 100);
        let region = self.optional_line(&format!("{prefix}region"), a.region.as_deref(), 100);
        let postal = self.postal_code(&format!("{prefix}postal_code"), a.postal_code.as_deref());
        let country = self.country(&format!("{prefix}country"), &a.country);
        Some(AddressInput {
            kind: kind.as_str(),
            line1: line1?,
            line2,
            city: city?,
            region,
            postal_code: postal,
            country: country?,
        })
    }

    pub fn billing(&mut self, b: &BillingPreferencesRequest) -> BillingInput {
        if b.billing_day.is_some_and(|d| !(1..=28).contains(&d)) {
            self.errors
                .add("billing.billing_day", "invalid", "must be between 1 and 28");
        }
        let currency = b.currency.as_deref().and_then(|c| {
            self.errors
                .check("billing.currency", Currency::parse(c))
                .map(|c| c.code().to_owned())
        });
        let tax_zone = b.tax_zone.as_deref().and_then(|z| {
            let zone = z.trim().to_ascii_uppercase();
            let ok = !zone.is_empty()
                && zone.len() <= 32
                && zone.starts_with(|c: char| c.is_ascii_alphanumeric())
                && zone
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if ok {
                Some(zone)
            } else {
                self.errors.add(
                    "billing.tax_zone",
                    "invalid",
                    "letters, digits, _ and - only, up to 32",
                );
                None
            }
        });
        let tax_exemption_ref = b.tax_exemption_ref.as_ref().map(|r| {
            r.as_deref()
                .filter(|v| !v.trim().is_empty())
                .and_then(|v| self.line("billing.tax_exemption_ref", v, 100))
        });
        BillingInput {
            cycle: b.cycle.map(BillingCycle::as_str),
            billing_day: b.billing_day,
            invoice_delivery: b.invoice_delivery.map(InvoiceDelivery::as_str),
            autopay: b.autopay,
            currency,
            tax_zone,
            tax_exempt: b.tax_exempt,
            tax_exemption_ref,
        }
    }

    pub fn interaction(&mut self, body: CreateInteractionRequest) -> Option<NewInteraction> {
        let summary = self.line("summary", &body.summary, 4000);
        let outcome = self.optional_line("outcome", body.outcome.as_deref(), 500);
        Some(NewInteraction {
            channel: body.channel.as_str(),
            direction: body.direction.as_str(),
            summary: summary?,
            outcome,
            follow_up_on: body.follow_up_on,
            occurred_at: body.occurred_at,
        })
    }
}

/// A postal address as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    #[schema(example = "12 Harbour Road")]
    pub line1: String,
    pub line2: Option<String>,
    #[schema(example = "Springfield")]
    pub city: String,
    pub region: Option<String>,
    #[schema(example = "12345")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "US")]
    pub country: String,
}

/// Billing preferences to set; absent fields take the default (on create) or stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingPreferencesRequest {
    pub cycle: Option<BillingCycle>,
    /// Day of the month, 1–28, for a calendar cycle (default 1).
    #[schema(minimum = 1, maximum = 28)]
    pub billing_day: Option<i32>,
    /// Default `email` when the customer has an email, else `paper`.
    pub invoice_delivery: Option<InvoiceDelivery>,
    pub autopay: Option<bool>,
    /// ISO 4217; defaults to the class currency.
    #[schema(example = "USD")]
    pub currency: Option<String>,
    #[schema(example = "DEFAULT")]
    pub tax_zone: Option<String>,
    pub tax_exempt: Option<bool>,
    /// Required when `tax_exempt`; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub tax_exemption_ref: Option<Option<String>>,
}

/// A new customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerRequest {
    pub kind: CustomerKind,
    #[schema(example = "Ana Lima")]
    pub name: String,
    /// Required for a business.
    pub company_name: Option<String>,
    /// VAT or tax id of a business.
    pub tax_id: Option<String>,
    /// Defaults to the class named like the kind (`residential` or `business`).
    pub class: Option<ClassSelector>,
    #[schema(format = Email, example = "ana@example.net")]
    pub email: Option<String>,
    /// Any common spelling; national numbers take the configured country code.
    #[schema(example = "+1 555 010 0101")]
    pub phone: Option<String>,
    pub service_address: Option<AddressRequest>,
    pub billing_address: Option<AddressRequest>,
    pub billing: Option<BillingPreferencesRequest>,
}

/// Fields to change; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerRequest {
    pub kind: Option<CustomerKind>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub company_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub tax_id: Option<Option<String>>,
    pub class: Option<ClassSelector>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    pub billing: Option<BillingPreferencesRequest>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassBrief {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BillingPreferences {
    pub cycle: BillingCycle,
    /// Day of the month for a calendar cycle; null for anniversary billing.
    pub billing_day: Option<i32>,
    pub invoice_delivery: InvoiceDelivery,
    pub autopay: bool,
    pub currency: String,
    pub tax_zone: String,
    pub tax_exempt: bool,
    pub tax_exemption_ref: Option<String>,
}

impl From<&CustomerRow> for BillingPreferences {
    fn from(row: &CustomerRow) -> Self {
        BillingPreferences {
            cycle: BillingCycle::from_db(&row.billing_cycle),
            billing_day: row.billing_day,
            invoice_delivery: InvoiceDelivery::from_db(&row.invoice_delivery),
            autopay: row.autopay,
            currency: row.currency.clone(),
            tax_zone: row.tax_zone.clone(),
            tax_exempt: row.tax_exempt,
            tax_exemption_ref: row.tax_exemption_ref.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub role: ContactRole,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            id: r.id,
            customer_id: r.customer_id,
            role: ContactRole::from_db(&r.role),
            name: r.name,
            email: r.email,
            phone: r.phone,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Address {
    pub id: i64,
    pub customer_id: i64,
    pub kind: AddressKind,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AddressRow> for Address {
    fn from(r: AddressRow) -> Self {
        Address {
            id: r.id,
            customer_id: r.customer_id,
            kind: AddressKind::from_db(&r.kind),
            line1: r.line1,
            line2: r.line2,
            city: r.city,
            region: r.region,
            postal_code: r.postal_code,
            country: r.country,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A lead this customer was converted from.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SourceLead {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub converted_at: Option<DateTime<Utc>>,
}

impl From<LeadRow> for SourceLead {
    fn from(r: LeadRow) -> Self {
        SourceLead {
            id: r.id,
            name: r.name,
            source: r.source,
            converted_at: r.converted_at,
        }
    }
}

/// A customer with billing preferences, contacts, addresses and the leads it came from.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    pub id: i64,
    /// Readable and unique, with a check digit.
    pub account_number: String,
    pub kind: CustomerKind,
    pub status: CustomerStatus,
    pub name: String,
    pub company_name: Option<String>,
    pub tax_id: Option<String>,
    pub class: ClassBrief,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub billing: BillingPreferences,
    pub contacts: Vec<Contact>,
    pub addresses: Vec<Address>,
    pub source_leads: Vec<SourceLead>,
    /// Increases with every profile change; send it back as `If-Match` to update.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CustomerDetail> for Customer {
    fn from(d: CustomerDetail) -> Self {
        let c = d.customer;
        Customer {
            id: c.id,
            kind: CustomerKind::from_db(&c.kind),
            status: CustomerStatus::from_db(&c.status),
            billing: BillingPreferences::from(&c),
            class: ClassBrief {
                id: d.class.id,
                code: d.class.code,
                name: d.class.name,
            },
            contacts: d.contacts.into_iter().map(Contact::from).collect(),
            addresses: d.addresses.into_iter().map(Address::from).collect(),
            source_leads: d.source_leads.into_iter().map(SourceLead::from).collect(),
            account_number: c.account_number,
            name: c.name,
            company_name: c.company_name,
            tax_id: c.tax_id,
            email: c.email,
            phone: c.phone,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A customer as lists show it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerSummary {
    pub id: i64,
    pub account_number: String,
    pub kind: CustomerKind,
    pub status: CustomerStatus,
    pub name: String,
    pub company_name: Option<String>,
    pub class_code: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<CustomerSummary>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerListQuery {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[param(inline)]
    pub status: Option<CustomerStatus>,
    /// A class code, e.g. `business`.
    pub class: Option<String>,
    #[param(inline)]
    pub kind: Option<CustomerKind>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<Contact>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AddressList {
    pub items: Vec<Address>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContactRequest {
    pub name: String,
    pub role: ContactRole,
    #[schema(format = Email)]
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContactRequest {
    pub name: Option<String>,
    pub role: Option<ContactRole>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAddressRequest {
    pub kind: AddressKind,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAddressRequest {
    pub kind: Option<AddressKind>,
    pub line1: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub line2: Option<Option<String>>,
    pub city: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub region: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub postal_code: Option<Option<String>>,
    pub country: Option<String>,
}

/// A call, email, visit, chat, SMS or note with a customer or a lead.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Interaction {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub channel: InteractionChannel,
    pub direction: InteractionDirection,
    pub summary: String,
    pub outcome: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    /// The staff user who logged it.
    pub agent_id: Option<i64>,
    pub agent_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<InteractionWithAgent> for Interaction {
    fn from((r, agent_name): InteractionWithAgent) -> Self {
        Interaction {
            id: r.id,
            customer_id: r.customer_id,
            lead_id: r.lead_id,
            channel: InteractionChannel::from_db(&r.channel),
            direction: InteractionDirection::from_db(&r.direction),
            summary: r.summary,
            outcome: r.outcome,
            follow_up_on: r.follow_up_on,
            agent_id: r.agent_id,
            agent_name,
            occurred_at: r.occurred_at,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InteractionPage {
    pub items: Vec<Interaction>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInteractionRequest {
    pub channel: InteractionChannel,
    pub direction: InteractionDirection,
    #[schema(min_length = 1, max_length = 4000)]
    pub summary: String,
    pub outcome: Option<String>,
    /// When to follow up; today or later.
    pub follow_up_on: Option<NaiveDate>,
    /// When it happened (default now); not in the future.
    pub occurred_at: Option<DateTime<Utc>>,
}

fn all_present<T>(value: Option<T>) -> ApiResult<T> {
    value.ok_or_else(|| ApiError::internal(anyhow::anyhow!("validated fields missing")))
}

pub(crate) async fn load_customer(state: &State, id: i64) -> ApiResult<HttpResponse> {
    let detail = db::run(&state.pool, move |conn| service::customer_detail(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(detail.customer.version))
        .json(Customer::from(detail)))
}

/// List customers, oldest first.
#[utoipa::path(
    tag = "customers",
    params(CustomerListQuery),
    responses(
        (status = 200, description = "A page of customers", body = CustomerPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
    )
)]
#[get("/customers")]
pub async fn list_customers(
    state: State,
    query: web::Query<CustomerListQuery>,
) -> ApiResult<web::Json<CustomerPage>> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let filter = CustomerFilter {
        status: query.status.map(|s| s.as_str().to_owned()),
        class: query.class,
        kind: query.kind.map(|k| k.as_str().to_owned()),
        after_id: pagination::decode_cursor(query.cursor.as_deref())?,
    };
    let rows = db::run(&state.pool, move |conn| {
        service::list_customers(conn, &filter, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |(c, _)| c.id);
    Ok(web::Json(CustomerPage {
        items: rows
            .into_iter()
            .map(|(c, class_code)| CustomerSummary {
                id: c.id,
                kind: CustomerKind::from_db(&c.kind),
                status: CustomerStatus::from_db(&c.status),
                account_number: c.account_number,
                name: c.name,
                company_name: c.company_name,
                class_code,
                email: c.email,
                phone: c.phone,
                created_at: c.created_at,
            })
            .collect(),
        next_cursor,
    }))
}

/// Create a customer with its addresses and billing preferences; the account number is
/// generated.
#[utoipa::path(
    tag = "customers",
    request_body = CreateCustomerRequest,
    responses(
        (status = 201, description = "Created", body = Customer),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/customers")]
pub async fn create_customer(
    state: State,
    ctx: RequestContext,
    body: Json<CreateCustomerRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = check.name("name", &body.name);
    let company_name = check.optional_line("company_name", body.company_name.as_deref(), 200);
    let tax_id = check.optional_line("tax_id", body.tax_id.as_deref(), 64);
    let email = check.optional_email("email", body.email.as_deref());
    let phone = check.optional_phone("phone", body.phone.as_deref());
    let service_address = body
        .service_address
        .as_ref()
        .map(|a| check.address("service_address.", AddressKind::Service, a));
    let billing_address = body
        .billing_address
        .as_ref()
        .map(|a| check.address("billing_address.", AddressKind::Billing, a));
    let billing = check.billing(&body.billing.unwrap_or_default());
    errors.finish()?;
    let new = NewCustomer {
        kind: body.kind.as_str(),
        name: all_present(name)?,
        company_name,
        tax_id,
        class: body.class.map(ClassRef::from),
        email,
        phone,
        service_address: service_address.map(all_present).transpose()?,
        billing_address: billing_address.map(all_present).transpose()?,
        billing,
    };
    let row = db::run(&state.pool, move |conn| {
        let row = service::create_customer(conn, &ctx, new)?;
        service::customer_detail(conn, row.id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/customers/{}", row.customer.id)))
        .insert_header(etag(row.customer.version))
        .json(Customer::from(row)))
}

/// Get a customer: profile, billing preferences, contacts, addresses and source leads,
/// with its version as the `ETag`.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer", body = Customer),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}")]
pub async fn get_customer(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    load_customer(&state, id.into_inner()).await
}

/// Change a customer's profile and billing preferences.
///
/// Send the `ETag` you read as `If-Match`; if someone changed the customer since, the answer
/// is 409 `version_conflict` and nothing is written.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = i64, Path, description = "Customer id"),
        ("If-Match" = Option<String>, Header, description = "The customer's ETag, e.g. `\"3\"`"),
    ),
    request_body = UpdateCustomerRequest,
    responses(
        (status = 200, description = "Updated", body = Customer),
        (status = 400, description = "`invalid_if_match`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`version_conflict`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/customers/{id}")]
pub async fn update_customer(
    state: State,
    ctx: RequestContext,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateCustomerRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected_version = if_match(&req, "customer")?;
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = body.name.as_deref().map(|n| check.name("name", n));
    let company_name = body
        .company_name
        .as_ref()
        .map(|c| check.optional_line("company_name", c.as_deref(), 200));
    let tax_id = body
        .tax_id
        .as_ref()
        .map(|t| check.optional_line("tax_id", t.as_deref(), 64));
    let email = body
        .email
        .as_ref()
        .map(|e| check.optional_email("email", e.as_deref()));
    let phone = body
        .phone
        .as_ref()
        .map(|p| check.optional_phone("phone", p.as_deref()));
    let billing = check.billing(&body.billing.unwrap_or_default());
    errors.finish()?;
    let patch = CustomerPatch {
        kind: body.kind.map(CustomerKind::as_str),
        name: name.map(all_present).transpose()?,
        company_name,
        tax_id,
        class: body.class.map(ClassRef::from),
        email,
        phone,
        billing,
    };
    db::run(&state.pool, move |conn| {
        service::update_customer(conn, &ctx, id, expected_version, patch)
    })
    .await?;
    load_customer(&state, id).await
}

/// List a customer's contacts.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The contacts", body = ContactList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/contacts")]
pub async fn list_contacts(state: State, id: web::Path<i64>) -> ApiResult<web::Json<ContactList>> {
    let id = id.into_inner();
    let rows = db::run(&state.pool, move |conn| service::list_contacts(conn, id)).await?;
    Ok(web::Json(ContactList {
        items: rows.into_iter().map(Contact::from).collect(),
    }))
}

/// Add a contact person (primary, billing, technical, other) with an email or a phone.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = CreateContactRequest,
    responses(
        (status = 201, description = "Created", body = Contact),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/customers/{id}/contacts")]
pub async fn add_contact(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<CreateContactRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = check.name("name", &body.name);
    let email = check.optional_email("email", body.email.as_deref());
    let phone = check.optional_phone("phone", body.phone.as_deref());
    errors.finish()?;
    let contact = ContactInput {
        name: all_present(name)?,
        role: body.role.as_str(),
        email,
        phone,
    };
    let row = db::run(&state.pool, move |conn| {
        service::add_contact(conn, &ctx, id, contact)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/customers/{id}/contacts/{}", row.id),
        ))
        .json(Contact::from(row)))
}

/// Change a contact.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = i64, Path, description = "Customer id"),
        ("contact_id" = i64, Path, description = "Contact id"),
    ),
    request_body = UpdateContactRequest,
    responses(
        (status = 200, description = "Updated", body = Contact),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/customers/{id}/contacts/{contact_id}")]
pub async fn update_contact(
    state: State,
    ctx: RequestContext,
    path: web::Path<(i64, i64)>,
    body: Json<UpdateContactRequest>,
) -> ApiResult<web::Json<Contact>> {
    let (id, contact_id) = path.into_inner();
    let body = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let name = body.name.as_deref().map(|n| check.name("name", n));
    let email = body
        .email
        .as_ref()
        .map(|e| check.optional_email("email", e.as_deref()));
    let phone = body
        .phone
        .as_ref()
        .map(|p| check.optional_phone("phone", p.as_deref()));
    errors.finish()?;
    let patch = ContactPatch {
        name: name.map(all_present).transpose()?,
        role: body.role.map(ContactRole::as_str),
        email,
        phone,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_contact(conn, &ctx, id, contact_id, patch)
    })
    .await?;
    Ok(web::Json(row.into()))
}

/// Remove a contact.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = i64, Path, description = "Customer id"),
        ("contact_id" = i64, Path, description = "Contact id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[delete("/customers/{id}/contacts/{contact_id}")]
pub async fn delete_contact(
    state: State,
    ctx: RequestContext,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, contact_id) = path.into_inner();
    db::run(&state.pool, move |conn| {
        service::delete_contact(conn, &ctx, id, contact_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a customer's service and billing addresses.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The addresses", body = AddressList),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/addresses")]
pub async fn list_addresses(state: State, id: web::Path<i64>) -> ApiResult<web::Json<AddressList>> {
    let id = id.into_inner();
    let rows = db::run(&state.pool, move |conn| service::list_addresses(conn, id)).await?;
    Ok(web::Json(AddressList {
        items: rows.into_iter().map(Address::from).collect(),
    }))
}

/// Add a service or billing address.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = CreateAddressRequest,
    responses(
        (status = 201, description = "Created", body = Address),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/customers/{id}/addresses")]
pub async fn add_address(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<CreateAddressRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let address = check.address(
        "",
        b.kind,
        &AddressRequest {
            line1: b.line1,
            line2: b.line2,
            city: b.city,
            region: b.region,
            postal_code: b.postal_code,
            country: b.country,
        },
    );
    errors.finish()?;
    let address = all_present(address)?;
    let row = db::run(&state.pool, move |conn| {
        service::add_address(conn, &ctx, id, address)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/customers/{id}/addresses/{}", row.id),
        ))
        .json(Address::from(row)))
}

/// Change an address. The last service address cannot become a billing address.
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = i64, Path, description = "Customer id"),
        ("address_id" = i64, Path, description = "Address id"),
    ),
    request_body = UpdateAddressRequest,
    responses(
        (status = 200, description = "Updated", body = Address),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`last_service_address`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[patch("/customers/{id}/addresses/{address_id}")]
pub async fn update_address(
    state: State,
    ctx: RequestContext,
    path: web::Path<(i64, i64)>,
    body: Json<UpdateAddressRequest>,
) -> ApiResult<web::Json<Address>> {
    let (id, address_id) = path.into_inner();
    let b = body.into_inner();
    let mut errors = FieldErrors::default();
    let mut check = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    };
    let line1 = b.line1.as_deref().map(|v| check.line("line1", v, 200));
    let line2 = b
        .line2
        .as_ref()
        .map(|v| check.optional_line("line2", v.as_deref(), 200));
    let city = b.city.as_deref().map(|v| check.line("city", v, 100));
    let region = b
        .region
        .as_ref()
        .map(|v| check.optional_line("region", v.as_deref(), 100));
    let postal = b
        .postal_code
        .as_ref()
        .map(|v| check.postal_code("postal_code", v.as_deref()));
    let country = b.country.as_deref().map(|v| check.country("country", v));
    errors.finish()?;
    let patch = AddressPatch {
        kind: b.kind.map(AddressKind::as_str),
        line1: line1.map(all_present).transpose()?,
        line2,
        city: city.map(all_present).transpose()?,
        region,
        postal_code: postal,
        country: country.map(all_present).transpose()?,
    };
    let row = db::run(&state.pool, move |conn| {
        service::update_address(conn, &ctx, id, address_id, patch)
    })
    .await?;
    Ok(web::Json(row.into()))
}

/// Remove an address. A customer keeps at least one service address once it has one:
/// removing the last is 409 `last_service_address` (add the new one first).
#[utoipa::path(
    tag = "customers",
    params(
        ("id" = i64, Path, description = "Customer id"),
        ("address_id" = i64, Path, description = "Address id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 409, description = "`last_service_address`", body = Problem),
    )
)]
#[delete("/customers/{id}/addresses/{address_id}")]
pub async fn delete_address(
    state: State,
    ctx: RequestContext,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, address_id) = path.into_inner();
    db::run(&state.pool, move |conn| {
        service::delete_address(conn, &ctx, id, address_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `?limit=&cursor=` of an interaction list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub(crate) async fn interaction_page(
    state: &State,
    of: InteractionOf,
    query: InteractionQuery,
) -> ApiResult<web::Json<InteractionPage>> {
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = db::run(&state.pool, move |conn| {
        service::list_interactions(conn, of, before, limit)
    })
    .await?;
    let (rows, next_cursor) = pagination::page(rows, limit, |(r, _)| r.id);
    Ok(web::Json(InteractionPage {
        items: rows.into_iter().map(Interaction::from).collect(),
        next_cursor,
    }))
}

/// A customer's interactions, including those of the leads it was converted from, newest
/// first.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id"), InteractionQuery),
    responses(
        (status = 200, description = "A page of interactions", body = InteractionPage),
        (status = 400, description = "`invalid_query`, `invalid_cursor`", body = Problem),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/customers/{id}/interactions")]
pub async fn list_interactions(
    state: State,
    id: web::Path<i64>,
    query: web::Query<InteractionQuery>,
) -> ApiResult<web::Json<InteractionPage>> {
    interaction_page(
        &state,
        InteractionOf::Customer(id.into_inner()),
        query.into_inner(),
    )
    .await
}

/// Log a call, email, visit, chat, SMS or note with a customer; the agent is the caller.
#[utoipa::path(
    tag = "customers",
    params(("id" = i64, Path, description = "Customer id")),
    request_body = CreateInteractionRequest,
    responses(
        (status = 201, description = "Logged", body = Interaction),
        (status = 404, description = "`not_found`", body = Problem),
        (status = 422, description = "`validation_failed`", body = Problem),
    )
)]
#[post("/customers/{id}/interactions")]
pub async fn log_interaction(
    state: State,
    ctx: RequestContext,
    id: web::Path<i64>,
    body: Json<CreateInteractionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut errors = FieldErrors::default();
    let new = Check {
        errors: &mut errors,
        calling_code: &state.config.default_calling_code,
    }
    .interaction(body.into_inner());
    errors.finish()?;
    let new = all_present(new)?;
    let row = db::run(&state.pool, move |conn| {
        service::log_interaction(conn, &ctx, id, new)
    })
    .await?;
    Ok(HttpResponse::Created().json(Interaction::from(row)))
}

pub(crate) fn validated<T>(value: Option<T>) -> ApiResult<T> {
    all_present(value)
}
