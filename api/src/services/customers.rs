//! Customers: their profile, billing preferences, contacts, addresses and interactions.
//!
//! Input reaching these functions is already parsed field by field (emails lower-cased,
//! phones in E.164, countries checked); the rules that join fields (a business needs a
//! company name, email delivery needs an email, a tax exemption needs its reference) are
//! checked here on the state that would be written, so a PATCH cannot break them either.
//!
//! Addresses: once a customer has a service address it keeps at least one, since that is
//! where the service is delivered; removing (or re-kinding) the last one is 409
//! `last_service_address` — add the new address first, then remove the old one.
//!
//! Status (active, suspended, closed) is not changed here: suspension and closure belong to
//! collections and provisioning, which must also act on the network.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::PgConnection;

use crate::auth::Subject;
use crate::db::customers::{AddressRow, ContactRow, InteractionRow};
use crate::db::leads::LeadRow;
use crate::db::models::{CustomerClassRow, CustomerRow, NewCustomerRow};
use crate::db::schema::{
    customer_addresses, customer_classes, customer_contacts, customers, interactions, leads, users,
};
use crate::domain::account_number;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Actor, Change};
use crate::state::RequestContext;

/// The next account number: a serial from the `customer_account_serial` sequence with a
/// Luhn check digit, so a digit misheard on the phone is caught before any lookup.
pub fn next_account_number(conn: &mut PgConnection) -> QueryResult<String> {
    let serial: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "nextval('customer_account_serial')",
    ))
    .get_result(conn)?;
    Ok(account_number::for_serial(serial as u64))
}

/// A customer class named by id or by code.
#[derive(Debug, Clone)]
pub enum ClassRef {
    Id(i64),
    Code(String),
}

/// An address, each field already checked.
#[derive(Debug, Clone)]
pub struct AddressInput {
    /// `service` or `billing`.
    pub kind: &'static str,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
}

/// Billing preferences to set; `None` takes the default (on create) or keeps the current
/// value (on update).
#[derive(Debug, Clone, Default)]
pub struct BillingInput {
    /// `calendar` or `anniversary`.
    pub cycle: Option<&'static str>,
    /// 1–28, with a calendar cycle.
    pub billing_day: Option<i32>,
    /// `email`, `paper` or `portal`.
    pub invoice_delivery: Option<&'static str>,
    pub autopay: Option<bool>,
    pub currency: Option<String>,
    pub tax_zone: Option<String>,
    pub tax_exempt: Option<bool>,
    /// `Some(None)` clears it.
    pub tax_exemption_ref: Option<Option<String>>,
}

/// A new customer, each field already checked.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    /// `residential` or `business`.
    pub kind: &'static str,
    pub name: String,
    pub company_name: Option<String>,
    pub tax_id: Option<String>,
    /// Defaults to the class with the kind's code (`residential` or `business`).
    pub class: Option<ClassRef>,
    /// Lower-cased.
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    pub service_address: Option<AddressInput>,
    pub billing_address: Option<AddressInput>,
    pub billing: BillingInput,
}

/// Profile fields to change; `None` keeps a field, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    pub kind: Option<&'static str>,
    pub name: Option<String>,
    pub company_name: Option<Option<String>>,
    pub tax_id: Option<Option<String>>,
    pub class: Option<ClassRef>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub billing: BillingInput,
}

/// The billing columns of a customer.
#[derive(Debug, Clone)]
struct Billing {
    cycle: String,
    billing_day: Option<i32>,
    invoice_delivery: String,
    autopay: bool,
    currency: String,
    tax_zone: String,
    tax_exempt: bool,
    tax_exemption_ref: Option<String>,
}

impl Billing {
    fn of(row: &CustomerRow) -> Self {
        Billing {
            cycle: row.billing_cycle.clone(),
            billing_day: row.billing_day,
            invoice_delivery: row.invoice_delivery.clone(),
            autopay: row.autopay,
            currency: row.currency.clone(),
            tax_zone: row.tax_zone.clone(),
            tax_exempt: row.tax_exempt,
            tax_exemption_ref: row.tax_exemption_ref.clone(),
        }
    }

    /// `self` with `input` applied.
    fn apply(mut self, input: &BillingInput, errors: &mut Vec<FieldError>) -> Self {
        if let Some(cycle) = input.cycle {
            self.cycle = cycle.to_owned();
        }
        if self.cycle == "anniversary" {
            if input.billing_day.is_some() {
                errors.push(FieldError::new(
                    "billing.billing_day",
                    "invalid",
                    "a billing day goes with a calendar cycle only",
                ));
            }
            self.billing_day = None;
        } else {
            self.billing_day = input.billing_day.or(self.billing_day).or(Some(1));
        }
        if let Some(delivery) = input.invoice_delivery {
            self.invoice_delivery = delivery.to_owned();
        }
        if let Some(autopay) = input.autopay {
            self.autopay = autopay;
        }
        if let Some(currency) = &input.currency {
            self.currency = currency.clone();
        }
        if let Some(zone) = &input.tax_zone {
            self.tax_zone = zone.clone();
        }
        if let Some(exempt) = input.tax_exempt {
            self.tax_exempt = exempt;
        }
        if let Some(reference) = &input.tax_exemption_ref {
            self.tax_exemption_ref = reference.clone();
        }
        self
    }
}

/// The rules that join fields, on the state about to be written.
fn check_rules(
    kind: &str,
    company_name: Option<&str>,
    email: Option<&str>,
    billing: &Billing,
    errors: &mut Vec<FieldError>,
) {
    if kind == "business" && company_name.is_none() {
        errors.push(FieldError::new(
            "company_name",
            "required",
            "a business customer needs a company name",
        ));
    }
    if billing.invoice_delivery == "email" && email.is_none() {
        errors.push(FieldError::new(
            "billing.invoice_delivery",
            "invalid",
            "email delivery needs the customer's email address",
        ));
    }
    if billing.tax_exempt && billing.tax_exemption_ref.is_none() {
        errors.push(FieldError::new(
            "billing.tax_exemption_ref",
            "required",
            "a tax exemption needs its certificate or reference",
        ));
    }
}

fn find_class_ref(
    conn: &mut PgConnection,
    class: &ClassRef,
) -> ApiResult<Option<CustomerClassRow>> {
    let query = customer_classes::table
        .select(CustomerClassRow::as_select())
        .into_boxed();
    let query = match class {
        ClassRef::Id(id) => query.filter(customer_classes::id.eq(*id)),
        ClassRef::Code(code) => query.filter(customer_classes::code.eq(code.clone())),
    };
    Ok(query.first(conn).optional()?)
}

/// The staff user acting, if the caller is one (interactions name their agent).
pub fn staff_user_id(ctx: &RequestContext) -> Option<i64> {
    match &ctx.actor {
        Actor::Principal(p) if p.role.is_staff() => match p.subject {
            Subject::User(id) => Some(id),
            _ => None,
        },
        _ => None,
    }
}

fn insert_address(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    address: &AddressInput,
) -> QueryResult<AddressRow> {
    diesel::insert_into(customer_addresses::table)
        .values((
            customer_addresses::customer_id.eq(customer_id),
            customer_addresses::kind.eq(address.kind),
            customer_addresses::line1.eq(&address.line1),
            customer_addresses::line2.eq(address.line2.as_deref()),
            customer_addresses::city.eq(&address.city),
            customer_addresses::region.eq(address.region.as_deref()),
            customer_addresses::postal_code.eq(address.postal_code.as_deref()),
            customer_addresses::country.eq(&address.country),
            customer_addresses::created_at.eq(ctx.now),
            customer_addresses::updated_at.eq(ctx.now),
        ))
        .returning(AddressRow::as_returning())
        .get_result(conn)
}

/// Creates a customer with its addresses, in one transaction (a savepoint when the caller
/// already holds one, as lead conversion does), recorded as `customer.created`.
pub fn create_customer(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    new: NewCustomer,
) -> ApiResult<CustomerRow> {
    conn.transaction(|conn| {
        let class_ref = new.class.clone().unwrap_or_else(|| {
            ClassRef::Code(if new.kind == "business" {
                "business".to_owned()
            } else {
                "residential".to_owned()
            })
        });
        let class = find_class_ref(conn, &class_ref)?.ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "class",
                "not_found",
                "no such customer class",
            )])
        })?;
        let mut errors = Vec::new();
        let defaults = Billing {
            cycle: "calendar".into(),
            billing_day: Some(1),
            invoice_delivery: if new.email.is_some() {
                "email"
            } else {
                "paper"
            }
            .into(),
            autopay: false,
            currency: class.currency.clone(),
            tax_zone: "DEFAULT".into(),
            tax_exempt: false,
            tax_exemption_ref: None,
        };
        let billing = defaults.apply(&new.billing, &mut errors);
        check_rules(
            new.kind,
            new.company_name.as_deref(),
            new.email.as_deref(),
            &billing,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let account_number = next_account_number(conn)?;
        let row: CustomerRow = diesel::insert_into(customers::table)
            .values(NewCustomerRow {
                account_number: &account_number,
                kind: new.kind,
                name: &new.name,
                company_name: new.company_name.as_deref(),
                email: new.email.as_deref(),
                phone: new.phone.as_deref(),
                status: "active",
                created_at: ctx.now,
                updated_at: ctx.now,
                class_id: class.id,
                tax_id: new.tax_id.as_deref(),
                billing_cycle: &billing.cycle,
                billing_day: billing.billing_day,
                invoice_delivery: &billing.invoice_delivery,
                autopay: billing.autopay,
                currency: &billing.currency,
                tax_zone: &billing.tax_zone,
                tax_exempt: billing.tax_exempt,
                tax_exemption_ref: billing.tax_exemption_ref.as_deref(),
            })
            .returning(CustomerRow::as_returning())
            .get_result(conn)?;
        let mut addresses = Vec::new();
        for address in [&new.service_address, &new.billing_address]
            .into_iter()
            .flatten()
        {
            addresses.push(insert_address(conn, ctx, row.id, address)?);
        }
        let mut after = audit::snapshot(&row)?;
        after["addresses"] = audit::snapshot(&addresses)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer.created",
                entity_type: "customer",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(after),
                customer_id: Some(row.id),
            },
        )?;
        Ok(row)
    })
}

/// Filters of the customer list.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub status: Option<String>,
    pub class: Option<String>,
    pub kind: Option<String>,
    /// Only customers with an id above this (the cursor), oldest first.
    pub after_id: Option<i64>,
}

/// Customers with their class code, oldest first, `limit + 1` rows.
pub fn list_customers(
    conn: &mut PgConnection,
    filter: &CustomerFilter,
    limit: i64,
) -> ApiResult<Vec<(CustomerRow, String)>> {
    let mut query = customers::table
        .inner_join(customer_classes::table)
        .select((CustomerRow::as_select(), customer_classes::code))
        .order(customers::id.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(customers::status.eq(status.clone()));
    }
    if let Some(class) = &filter.class {
        query = query.filter(customer_classes::code.eq(class.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(customers::kind.eq(kind.clone()));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(customers::id.gt(after));
    }
    Ok(query.load(conn)?)
}

/// A customer and everything its profile page shows.
#[derive(Debug)]
pub struct CustomerDetail {
    pub customer: CustomerRow,
    pub class: CustomerClassRow,
    pub contacts: Vec<ContactRow>,
    pub addresses: Vec<AddressRow>,
    /// The leads this customer was converted from.
    pub source_leads: Vec<LeadRow>,
}

pub fn find_customer(conn: &mut PgConnection, id: i64) -> ApiResult<CustomerRow> {
    customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer"))
}

fn lock_customer(conn: &mut PgConnection, id: i64) -> ApiResult<CustomerRow> {
    customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("customer"))
}

pub fn customer_detail(conn: &mut PgConnection, id: i64) -> ApiResult<CustomerDetail> {
    let customer = find_customer(conn, id)?;
    let class = customer_classes::table
        .find(customer.class_id)
        .select(CustomerClassRow::as_select())
        .first(conn)?;
    let contacts = list_contacts_of(conn, id)?;
    let addresses = list_addresses_of(conn, id)?;
    let source_leads = leads::table
        .filter(leads::customer_id.eq(id))
        .order(leads::id.asc())
        .select(LeadRow::as_select())
        .load(conn)?;
    Ok(CustomerDetail {
        customer,
        class,
        contacts,
        addresses,
        source_leads,
    })
}

/// Applies `patch` if the customer is still at `expected_version`; a stale version is 409
/// `version_conflict`.
pub fn update_customer(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected_version: Option<i32>,
    patch: CustomerPatch,
) -> ApiResult<CustomerRow> {
    conn.transaction(|conn| {
        let before = lock_customer(conn, id)?;
        ApiError::check_version("customer", expected_version, before.version)?;
        let class_id = match &patch.class {
            None => before.class_id,
            Some(class) => {
                find_class_ref(conn, class)?
                    .ok_or_else(|| {
                        ApiError::validation(vec![FieldError::new(
                            "class",
                            "not_found",
                            "no such customer class",
                        )])
                    })?
                    .id
            }
        };
        let kind = patch.kind.unwrap_or(before.kind.as_str()).to_owned();
        let name = patch.name.clone().unwrap_or_else(|| before.name.clone());
        let company_name = patch
            .company_name
            .clone()
            .unwrap_or_else(|| before.company_name.clone());
        let tax_id = patch
            .tax_id
            .clone()
            .unwrap_or_else(|| before.tax_id.clone());
        let email = patch.email.clone().unwrap_or_else(|| before.email.clone());
        let phone = patch.phone.clone().unwrap_or_else(|| before.phone.clone());
        let mut errors = Vec::new();
        let billing = Billing::of(&before).apply(&patch.billing, &mut errors);
        check_rules(
            &kind,
            company_name.as_deref(),
            email.as_deref(),
            &billing,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let after: CustomerRow = diesel::update(customers::table.find(id))
            .set((
                customers::kind.eq(&kind),
                customers::name.eq(&name),
                customers::company_name.eq(company_name.as_deref()),
                customers::tax_id.eq(tax_id.as_deref()),
                customers::class_id.eq(class_id),
                customers::email.eq(email.as_deref()),
                customers::phone.eq(phone.as_deref()),
                customers::billing_cycle.eq(&billing.cycle),
                customers::billing_day.eq(billing.billing_day),
                customers::invoice_delivery.eq(&billing.invoice_delivery),
                customers::autopay.eq(billing.autopay),
                customers::currency.eq(&billing.currency),
                customers::tax_zone.eq(&billing.tax_zone),
                customers::tax_exempt.eq(billing.tax_exempt),
                customers::tax_exemption_ref.eq(billing.tax_exemption_ref.as_deref()),
                customers::version.eq(before.version + 1),
                customers::updated_at.eq(ctx.now),
            ))
            .returning(CustomerRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer.updated",
                entity_type: "customer",
                entity_id: id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: Some(id),
            },
        )?;
        Ok(after)
    })
}

// Contacts ------------------------------------------------------------------------------

/// A contact, each field already checked.
#[derive(Debug, Clone)]
pub struct ContactInput {
    pub name: String,
    /// `primary`, `billing`, `technical` or `other`.
    pub role: &'static str,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Contact fields to change; `Some(None)` clears email or phone.
#[derive(Debug, Clone, Default)]
pub struct ContactPatch {
    pub name: Option<String>,
    pub role: Option<&'static str>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
}

fn reach_required() -> ApiError {
    ApiError::validation(vec![
        FieldError::new("email", "required", "a contact needs an email or a phone"),
        FieldError::new("phone", "required", "a contact needs an email or a phone"),
    ])
}

fn list_contacts_of(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Vec<ContactRow>> {
    customer_contacts::table
        .filter(customer_contacts::customer_id.eq(customer_id))
        .order(customer_contacts::id.asc())
        .select(ContactRow::as_select())
        .load(conn)
}

pub fn list_contacts(conn: &mut PgConnection, customer_id: i64) -> ApiResult<Vec<ContactRow>> {
    find_customer(conn, customer_id)?;
    Ok(list_contacts_of(conn, customer_id)?)
}

pub fn add_contact(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    contact: ContactInput,
) -> ApiResult<ContactRow> {
    if contact.email.is_none() && contact.phone.is_none() {
        return Err(reach_required());
    }
    conn.transaction(|conn| {
        lock_customer(conn, customer_id)?;
        let row: ContactRow = diesel::insert_into(customer_contacts::table)
            .values((
                customer_contacts::customer_id.eq(customer_id),
                customer_contacts::name.eq(&contact.name),
                customer_contacts::role.eq(contact.role),
                customer_contacts::email.eq(contact.email.as_deref()),
                customer_contacts::phone.eq(contact.phone.as_deref()),
                customer_contacts::created_at.eq(ctx.now),
                customer_contacts::updated_at.eq(ctx.now),
            ))
            .returning(ContactRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_contact.created",
                entity_type: "customer_contact",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(audit::snapshot(&row)?),
                customer_id: Some(customer_id),
            },
        )?;
        Ok(row)
    })
}

fn lock_contact(
    conn: &mut PgConnection,
    customer_id: i64,
    contact_id: i64,
) -> ApiResult<ContactRow> {
    customer_contacts::table
        .filter(customer_contacts::id.eq(contact_id))
        .filter(customer_contacts::customer_id.eq(customer_id))
        .select(ContactRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("contact"))
}

pub fn update_contact(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    contact_id: i64,
    patch: ContactPatch,
) -> ApiResult<ContactRow> {
    conn.transaction(|conn| {
        let before = lock_contact(conn, customer_id, contact_id)?;
        let email = patch.email.clone().unwrap_or_else(|| before.email.clone());
        let phone = patch.phone.clone().unwrap_or_else(|| before.phone.clone());
        if email.is_none() && phone.is_none() {
            return Err(reach_required());
        }
        let after: ContactRow = diesel::update(customer_contacts::table.find(contact_id))
            .set((
                customer_contacts::name.eq(patch.name.as_deref().unwrap_or(&before.name)),
                customer_contacts::role.eq(patch.role.unwrap_or(&before.role)),
                customer_contacts::email.eq(email.as_deref()),
                customer_contacts::phone.eq(phone.as_deref()),
                customer_contacts::updated_at.eq(ctx.now),
            ))
            .returning(ContactRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_contact.updated",
                entity_type: "customer_contact",
                entity_id: contact_id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: Some(customer_id),
            },
        )?;
        Ok(after)
    })
}

pub fn delete_contact(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    contact_id: i64,
) -> ApiResult<()> {
    conn.transaction(|conn| {
        let before = lock_contact(conn, customer_id, contact_id)?;
        diesel::delete(customer_contacts::table.find(contact_id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_contact.deleted",
                entity_type: "customer_contact",
                entity_id: contact_id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: None,
                customer_id: Some(customer_id),
            },
        )?;
        Ok(())
    })
}

// Addresses -----------------------------------------------------------------------------

/// Address fields to change; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct AddressPatch {
    pub kind: Option<&'static str>,
    pub line1: Option<String>,
    pub line2: Option<Option<String>>,
    pub city: Option<String>,
    pub region: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub country: Option<String>,
}

fn list_addresses_of(conn: &mut PgConnection, customer_id: i64) -> QueryResult<Vec<AddressRow>> {
    customer_addresses::table
        .filter(customer_addresses::customer_id.eq(customer_id))
        .order(customer_addresses::id.asc())
        .select(AddressRow::as_select())
        .load(conn)
}

pub fn list_addresses(conn: &mut PgConnection, customer_id: i64) -> ApiResult<Vec<AddressRow>> {
    find_customer(conn, customer_id)?;
    Ok(list_addresses_of(conn, customer_id)?)
}

pub fn add_address(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    address: AddressInput,
) -> ApiResult<AddressRow> {
    conn.transaction(|conn| {
        lock_customer(conn, customer_id)?;
        let row = insert_address(conn, ctx, customer_id, &address)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_address.created",
                entity_type: "customer_address",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(audit::snapshot(&row)?),
                customer_id: Some(customer_id),
            },
        )?;
        Ok(row)
    })
}

/// Locks the customer (so two removals cannot each leave the other as "the last one") and
/// the address.
fn lock_address(
    conn: &mut PgConnection,
    customer_id: i64,
    address_id: i64,
) -> ApiResult<AddressRow> {
    lock_customer(conn, customer_id)?;
    customer_addresses::table
        .filter(customer_addresses::id.eq(address_id))
        .filter(customer_addresses::customer_id.eq(customer_id))
        .select(AddressRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("address"))
}

fn ensure_not_last_service_address(conn: &mut PgConnection, address: &AddressRow) -> ApiResult<()> {
    if address.kind != "service" {
        return Ok(());
    }
    let others: i64 = customer_addresses::table
        .filter(customer_addresses::customer_id.eq(address.customer_id))
        .filter(customer_addresses::kind.eq("service"))
        .filter(customer_addresses::id.ne(address.id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_service_address",
            "this is the customer's only service address; add the new one first",
        ));
    }
    Ok(())
}

pub fn update_address(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    address_id: i64,
    patch: AddressPatch,
) -> ApiResult<AddressRow> {
    conn.transaction(|conn| {
        let before = lock_address(conn, customer_id, address_id)?;
        if patch.kind.is_some_and(|k| k != before.kind) {
            ensure_not_last_service_address(conn, &before)?;
        }
        let after: AddressRow = diesel::update(customer_addresses::table.find(address_id))
            .set((
                customer_addresses::kind.eq(patch.kind.unwrap_or(&before.kind)),
                customer_addresses::line1.eq(patch.line1.as_deref().unwrap_or(&before.line1)),
                customer_addresses::line2
                    .eq(patch.line2.clone().unwrap_or_else(|| before.line2.clone())),
                customer_addresses::city.eq(patch.city.as_deref().unwrap_or(&before.city)),
                customer_addresses::region.eq(patch
                    .region
                    .clone()
                    .unwrap_or_else(|| before.region.clone())),
                customer_addresses::postal_code.eq(patch
                    .postal_code
                    .clone()
                    .unwrap_or_else(|| before.postal_code.clone())),
                customer_addresses::country.eq(patch.country.as_deref().unwrap_or(&before.country)),
                customer_addresses::updated_at.eq(ctx.now),
            ))
            .returning(AddressRow::as_returning())
            .get_result(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_address.updated",
                entity_type: "customer_address",
                entity_id: address_id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: Some(audit::snapshot(&after)?),
                customer_id: Some(customer_id),
            },
        )?;
        Ok(after)
    })
}

pub fn delete_address(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    address_id: i64,
) -> ApiResult<()> {
    conn.transaction(|conn| {
        let before = lock_address(conn, customer_id, address_id)?;
        ensure_not_last_service_address(conn, &before)?;
        diesel::delete(customer_addresses::table.find(address_id)).execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "customer_address.deleted",
                entity_type: "customer_address",
                entity_id: address_id.to_string(),
                before: Some(audit::snapshot(&before)?),
                after: None,
                customer_id: Some(customer_id),
            },
        )?;
        Ok(())
    })
}

// Interactions --------------------------------------------------------------------------

/// What an interaction is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionOf {
    Customer(i64),
    Lead(i64),
}

/// A call, email, visit, chat, SMS or note to log, each field already checked.
#[derive(Debug, Clone)]
pub struct NewInteraction {
    /// `call`, `email`, `visit`, `chat`, `sms` or `note`.
    pub channel: &'static str,
    /// `inbound`, `outbound` or `internal`.
    pub direction: &'static str,
    pub summary: String,
    pub outcome: Option<String>,
    /// Not before today.
    pub follow_up_on: Option<NaiveDate>,
    /// Defaults to now; never in the future.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// An interaction with the name of the agent who logged it.
pub type InteractionWithAgent = (InteractionRow, Option<String>);

/// Writes an interaction on the caller's connection; the caller holds the transaction and
/// has checked that the customer or lead may take it. The agent is the calling staff user.
pub fn insert_interaction(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    of: InteractionOf,
    customer_id: Option<i64>,
    new: &NewInteraction,
) -> ApiResult<InteractionRow> {
    let mut errors = Vec::new();
    if new.follow_up_on.is_some_and(|d| d < ctx.now.date_naive()) {
        errors.push(FieldError::new(
            "follow_up_on",
            "invalid",
            "must not be in the past",
        ));
    }
    if new.occurred_at.is_some_and(|t| t > ctx.now) {
        errors.push(FieldError::new(
            "occurred_at",
            "invalid",
            "must not be in the future",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let lead_id = match of {
        InteractionOf::Lead(id) => Some(id),
        InteractionOf::Customer(_) => None,
    };
    let row: InteractionRow = diesel::insert_into(interactions::table)
        .values((
            interactions::customer_id.eq(customer_id),
            interactions::lead_id.eq(lead_id),
            interactions::channel.eq(new.channel),
            interactions::direction.eq(new.direction),
            interactions::summary.eq(&new.summary),
            interactions::outcome.eq(new.outcome.as_deref()),
            interactions::follow_up_on.eq(new.follow_up_on),
            interactions::agent_id.eq(staff_user_id(ctx)),
            interactions::occurred_at.eq(new.occurred_at.unwrap_or(ctx.now)),
            interactions::created_at.eq(ctx.now),
        ))
        .returning(InteractionRow::as_returning())
        .get_result(conn)?;
    audit::record(
        conn,
        ctx,
        Change {
            action: "interaction.created",
            entity_type: "interaction",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(audit::snapshot(&row)?),
            customer_id,
        },
    )?;
    Ok(row)
}

/// Logs an interaction with a customer.
pub fn log_interaction(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    new: NewInteraction,
) -> ApiResult<InteractionWithAgent> {
    conn.transaction(|conn| {
        find_customer(conn, customer_id)?;
        let row = insert_interaction(
            conn,
            ctx,
            InteractionOf::Customer(customer_id),
            Some(customer_id),
            &new,
        )?;
        let agent = agent_name(conn, row.agent_id)?;
        Ok((row, agent))
    })
}

pub fn agent_name(conn: &mut PgConnection, agent_id: Option<i64>) -> QueryResult<Option<String>> {
    match agent_id {
        None => Ok(None),
        Some(id) => users::table
            .find(id)
            .select(users::name)
            .first(conn)
            .optional(),
    }
}

/// Interactions of a customer (including those of the leads it was converted from) or of
/// a lead, newest first; `before_id` is the cursor (the last id of the previous page).
/// Returns `limit + 1` rows.
pub fn list_interactions(
    conn: &mut PgConnection,
    of: InteractionOf,
    before_id: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<InteractionWithAgent>> {
    match of {
        InteractionOf::Customer(id) => {
            find_customer(conn, id)?;
        }
        InteractionOf::Lead(id) => {
            leads::table
                .find(id)
                .select(leads::id)
                .first::<i64>(conn)
                .optional()?
                .ok_or_else(|| ApiError::not_found("lead"))?;
        }
    }
    let mut query = interactions::table
        .left_join(users::table)
        .select((InteractionRow::as_select(), users::name.nullable()))
        .order((interactions::occurred_at.desc(), interactions::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    query = match of {
        InteractionOf::Customer(id) => query.filter(interactions::customer_id.eq(id)),
        InteractionOf::Lead(id) => query.filter(interactions::lead_id.eq(id)),
    };
    if let Some(before_id) = before_id {
        // Continue after the cursor's row in (occurred_at, id) order.
        let at: Option<DateTime<Utc>> = interactions::table
            .find(before_id)
            .select(interactions::occurred_at)
            .first(conn)
            .optional()?;
        let at =
            at.ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid"))?;
        query = query.filter(
            interactions::occurred_at
                .lt(at)
                .or(interactions::occurred_at
                    .eq(at)
                    .and(interactions::id.lt(before_id))),
        );
    }
    Ok(query.load(conn)?)
}
