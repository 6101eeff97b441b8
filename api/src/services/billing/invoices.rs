//! Invoices and credit notes: reading, issuing a draft, voiding, crediting; the ledger and
//! the statement of account.
//!
//! - An issued invoice never changes except for what settles it: its status and the
//!   amounts paid and credited. Its number, lines and totals are fixed.
//! - Void: only an issued invoice with nothing paid and nothing credited. The number stays
//!   used; the ledger gets an entry that takes the invoice's amount back. The waiting
//!   charges it carried (one-time charges, fees, credits of changes) wait again for the next
//!   invoice; the recurring and usage periods it billed stay billed.
//! - Credit notes (series `CN`): the whole invoice, chosen lines (each at most what is left of
//!   it), or an amount spread over the invoice's tax rates (`domain::billing::allocate_credit`).
//!   Together they never exceed the invoice's total. A credit reduces what is due; an invoice
//!   with nothing left due is `paid`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

use super::run::{self, issue_drafts};
use crate::db::schema::{
    credit_note_lines, credit_notes, customer_addresses, customers, invoice_lines, invoices,
    ledger_entries, pending_charges,
};
use crate::domain::billing::allocate_credit;
use crate::domain::money::{for_display, round_to_minor_unit, Currency};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::services::audit::{self, Change};
use crate::state::RequestContext;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: i64,
    pub customer_id: i64,
    pub bill_run_id: Option<i64>,
    pub number: Option<String>,
    pub status: String,
    pub currency: String,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub amount_paid: Decimal,
    pub amount_credited: Decimal,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl InvoiceRow {
    pub fn amount_due(&self) -> Decimal {
        if self.status == "void" || self.status == "draft" {
            Decimal::ZERO
        } else {
            self.total - self.amount_paid - self.amount_credited
        }
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        matches!(self.status.as_str(), "issued" | "partially_paid")
            && self.due_date.is_some_and(|d| d < today)
            && self.amount_due() > Decimal::ZERO
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoice_lines)]
pub struct InvoiceLineRow {
    pub id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub position: i32,
    pub kind: String,
    pub description: String,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub amount: Decimal,
    pub tax_rate: Decimal,
    pub tax_name: String,
    pub tax_amount: Decimal,
    pub rule: Option<Value>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = credit_notes)]
pub struct CreditNoteRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub invoice_id: i64,
    pub reason: String,
    pub currency: String,
    pub subtotal: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    pub issue_date: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = credit_note_lines)]
pub struct CreditNoteLineRow {
    pub id: i64,
    pub credit_note_id: i64,
    pub invoice_line_id: Option<i64>,
    pub position: i32,
    pub description: String,
    pub amount: Decimal,
    pub tax_rate: Decimal,
    pub tax_name: String,
    pub tax_amount: Decimal,
}

/// Who an invoice is for, as documents show it.
#[derive(Debug, Clone, Serialize)]
pub struct BillTo {
    pub id: i64,
    pub account_number: String,
    pub name: String,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    /// The billing address (or else the service address), line by line.
    pub address_lines: Vec<String>,
}

type AddressRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn bill_to(conn: &mut PgConnection, customer_id: i64) -> QueryResult<BillTo> {
    let (id, account_number, name, company_name, email, tax_id) = customers::table
        .find(customer_id)
        .select((
            customers::id,
            customers::account_number,
            customers::name,
            customers::company_name,
            customers::email,
            customers::tax_id,
        ))
        .first(conn)?;
    let address: Option<AddressRow> = customer_addresses::table
        .filter(customer_addresses::customer_id.eq(customer_id))
        .filter(customer_addresses::kind.eq_any(["billing", "service"]))
        // "billing" sorts before "service".
        .order((customer_addresses::kind, customer_addresses::id))
        .select((
            customer_addresses::line1,
            customer_addresses::line2,
            customer_addresses::city,
            customer_addresses::region,
            customer_addresses::postal_code,
            customer_addresses::country,
        ))
        .first(conn)
        .optional()?;
    let address_lines = address
        .map(|(line1, line2, city, region, postal, country)| {
            let town = [postal, Some(city), region]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            [Some(line1), line2, Some(town), Some(country)]
                .into_iter()
                .flatten()
                .filter(|l| !l.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(BillTo {
        id,
        account_number,
        name,
        company_name,
        email,
        tax_id,
        address_lines,
    })
}

/// An invoice with everything its page and PDF show.
#[derive(Debug, Clone)]
pub struct InvoiceView {
    pub row: InvoiceRow,
    pub customer: BillTo,
    /// Each line and the net amount credited on it so far.
    pub lines: Vec<(InvoiceLineRow, Decimal)>,
    pub credit_notes: Vec<CreditNoteRow>,
}

pub fn find(conn: &mut PgConnection, id: i64) -> ApiResult<InvoiceView> {
    let row: InvoiceRow = invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("invoice"))?;
    view(conn, row)
}

fn view(conn: &mut PgConnection, row: InvoiceRow) -> ApiResult<InvoiceView> {
    let customer = bill_to(conn, row.customer_id)?;
    let lines: Vec<InvoiceLineRow> = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(row.id))
        .order(invoice_lines::position)
        .select(InvoiceLineRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = lines.iter().map(|l| l.id).collect();
    let credited: Vec<(Option<i64>, Decimal)> = credit_note_lines::table
        .filter(credit_note_lines::invoice_line_id.eq_any(&ids))
        .select((
            credit_note_lines::invoice_line_id,
            credit_note_lines::amount,
        ))
        .load(conn)?;
    let lines = lines
        .into_iter()
        .map(|l| {
            let c: Decimal = credited
                .iter()
                .filter(|(id, _)| *id == Some(l.id))
                .map(|(_, a)| *a)
                .sum();
            (l, c)
        })
        .collect();
    let credit_notes: Vec<CreditNoteRow> = credit_notes::table
        .filter(credit_notes::invoice_id.eq(row.id))
        .order(credit_notes::id)
        .select(CreditNoteRow::as_select())
        .load(conn)?;
    Ok(InvoiceView {
        row,
        customer,
        lines,
        credit_notes,
    })
}

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub statuses: Vec<String>,
    pub customer_id: Option<i64>,
    pub bill_run_id: Option<i64>,
    /// Invoices whose billing period includes this day.
    pub period_on: Option<NaiveDate>,
    pub overdue_on: Option<NaiveDate>,
}

/// Invoices, newest first, with their customer's account number and name.
pub fn list(
    conn: &mut PgConnection,
    filter: &InvoiceFilter,
    limit: i64,
    before_id: Option<i64>,
) -> ApiResult<Vec<(InvoiceRow, String, String)>> {
    let mut q = invoices::table
        .inner_join(customers::table.on(customers::id.eq(invoices::customer_id)))
        .select((
            InvoiceRow::as_select(),
            customers::account_number,
            customers::name,
        ))
        .order(invoices::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if !filter.statuses.is_empty() {
        q = q.filter(invoices::status.eq_any(filter.statuses.clone()));
    }
    if let Some(c) = filter.customer_id {
        q = q.filter(invoices::customer_id.eq(c));
    }
    if let Some(r) = filter.bill_run_id {
        q = q.filter(invoices::bill_run_id.eq(r));
    }
    if let Some(day) = filter.period_on {
        q = q
            .filter(invoices::period_start.le(day))
            .filter(invoices::period_end.gt(day));
    }
    if let Some(today) = filter.overdue_on {
        q = q
            .filter(invoices::status.eq_any(["issued", "partially_paid"]))
            .filter(invoices::due_date.lt(today));
    }
    if let Some(id) = before_id {
        q = q.filter(invoices::id.lt(id));
    }
    Ok(q.load(conn)?)
}

fn lock(conn: &mut PgConnection, id: i64, expected: Option<i32>) -> ApiResult<InvoiceRow> {
    let row: InvoiceRow = invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .for_update()
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("invoice"))?;
    ApiError::check_version("invoice", expected, row.version)?;
    Ok(row)
}

fn snapshot(row: &InvoiceRow) -> Value {
    json!({"number": row.number, "status": row.status, "total": row.total.to_string(),
           "amount_credited": row.amount_credited.to_string(), "version": row.version})
}

/// Issues one draft invoice: its number is the next of the series, its due date follows
/// the customer's payment terms.
pub fn issue(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected: Option<i32>,
) -> ApiResult<InvoiceView> {
    conn.transaction(|conn| {
        let before = lock(conn, id, expected)?;
        if before.status != "draft" {
            return Err(ApiError::conflict(
                "invoice_not_draft",
                format!("the invoice is {}; only a draft is issued", before.status),
            ));
        }
        issue_drafts(conn, &[id], &ctx.actor.label(), ctx.now)?;
        let after = find(conn, id)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "invoice.issue",
                entity_type: "invoice",
                entity_id: id.to_string(),
                before: Some(snapshot(&before)),
                after: Some(snapshot(&after.row)),
                customer_id: None,
            },
        )?;
        Ok(after)
    })
}

/// Voids an issued invoice nothing was paid or credited on (the rules at the top).
pub fn void(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    id: i64,
    expected: Option<i32>,
    reason: &str,
) -> ApiResult<InvoiceView> {
    conn.transaction(|conn| {
        let before = lock(conn, id, expected)?;
        match before.status.as_str() {
            "issued" => {}
            "draft" => {
                return Err(ApiError::conflict(
                    "invoice_not_issued",
                    "a draft has no number to void; issue it, or leave it",
                ))
            }
            "void" => {
                return Err(ApiError::conflict(
                    "invoice_void",
                    "the invoice is already void",
                ))
            }
            _ => {
                return Err(ApiError::conflict(
                    "invoice_paid",
                    "money was paid on this invoice; correct it with a credit note",
                ))
            }
        }
        if before.amount_paid != Decimal::ZERO || before.amount_credited != Decimal::ZERO {
            return Err(ApiError::conflict(
                "invoice_paid",
                "money was paid or credited on this invoice; correct it with a credit note",
            ));
        }
        let row: InvoiceRow = diesel::update(invoices::table.find(id))
            .set((
                invoices::status.eq("void"),
                invoices::void_reason.eq(reason),
                invoices::voided_at.eq(ctx.now),
                invoices::version.eq(before.version + 1),
            ))
            .returning(InvoiceRow::as_returning())
            .get_result(conn)?;
        let number = row.number.clone().unwrap_or_default();
        // The waiting charges it carried (fees, one-time charges, credits of changes) wait
        // again for the next invoice; its recurring and usage periods stay billed.
        let released =
            diesel::update(pending_charges::table.filter(pending_charges::invoice_id.eq(Some(id))))
                .set((
                    pending_charges::invoiced_at.eq(None::<DateTime<Utc>>),
                    pending_charges::invoice_id.eq(None::<i64>),
                ))
                .execute(conn)?;
        diesel::insert_into(ledger_entries::table)
            .values((
                ledger_entries::customer_id.eq(row.customer_id),
                ledger_entries::kind.eq("invoice"),
                ledger_entries::amount.eq(-row.total),
                ledger_entries::currency.eq(&row.currency),
                ledger_entries::reference_type.eq("invoice"),
                ledger_entries::reference_id.eq(id.to_string()),
                ledger_entries::description.eq(format!("Invoice {number} voided: {reason}")),
                ledger_entries::occurred_at.eq(ctx.now),
                ledger_entries::created_at.eq(ctx.now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "invoice.voided",
                entity_type: "invoice",
                entity_id: id.to_string(),
                before: Some(snapshot(&before)),
                after: Some(json!({"number": number, "status": "void", "reason": reason,
                                   "total": row.total.to_string(), "currency": row.currency,
                                   "charges_released": released})),
                customer_id: Some(row.customer_id),
            },
        )?;
        view(conn, row)
    })
}

/// What to credit.
#[derive(Debug, Clone)]
pub enum CreditRequest {
    /// Everything left on the invoice.
    Full,
    /// Lines, each with a net amount (all that is left of the line when `None`).
    Lines(Vec<(i64, Option<Decimal>)>),
    /// A gross amount, spread over the invoice's tax rates.
    Amount(Decimal),
}

/// A credit note with its lines.
#[derive(Debug, Clone)]
pub struct CreditNoteView {
    pub row: CreditNoteRow,
    pub invoice_number: String,
    pub customer: BillTo,
    pub lines: Vec<CreditNoteLineRow>,
}

pub fn find_credit_note(conn: &mut PgConnection, id: i64) -> ApiResult<CreditNoteView> {
    let row: CreditNoteRow = credit_notes::table
        .find(id)
        .select(CreditNoteRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("credit note"))?;
    credit_note_view(conn, row)
}

fn credit_note_view(conn: &mut PgConnection, row: CreditNoteRow) -> ApiResult<CreditNoteView> {
    let invoice_number: Option<String> = invoices::table
        .find(row.invoice_id)
        .select(invoices::number)
        .first(conn)?;
    let lines = credit_note_lines::table
        .filter(credit_note_lines::credit_note_id.eq(row.id))
        .order(credit_note_lines::position)
        .select(CreditNoteLineRow::as_select())
        .load(conn)?;
    Ok(CreditNoteView {
        customer: bill_to(conn, row.customer_id)?,
        row,
        invoice_number: invoice_number.unwrap_or_default(),
        lines,
    })
}

pub fn list_credit_notes(
    conn: &mut PgConnection,
    customer_id: Option<i64>,
    invoice_id: Option<i64>,
    limit: i64,
    before_id: Option<i64>,
) -> ApiResult<Vec<CreditNoteRow>> {
    let mut q = credit_notes::table
        .select(CreditNoteRow::as_select())
        .order(credit_notes::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(c) = customer_id {
        q = q.filter(credit_notes::customer_id.eq(c));
    }
    if let Some(i) = invoice_id {
        q = q.filter(credit_notes::invoice_id.eq(i));
    }
    if let Some(id) = before_id {
        q = q.filter(credit_notes::id.lt(id));
    }
    Ok(q.load(conn)?)
}

struct NewCreditLine {
    invoice_line_id: Option<i64>,
    description: String,
    amount: Decimal,
    tax_rate: Decimal,
    tax_name: String,
    tax_amount: Decimal,
}

fn line_error(index: usize, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        format!("lines[{index}]"),
        code,
        message,
    )])
}

/// Issues a credit note against an issued invoice.
pub fn credit(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    invoice_id: i64,
    expected: Option<i32>,
    request: CreditRequest,
    reason: &str,
) -> ApiResult<CreditNoteView> {
    conn.transaction(|conn| {
        let before = lock(conn, invoice_id, expected)?;
        match before.status.as_str() {
            "draft" => {
                return Err(ApiError::conflict(
                    "invoice_not_issued",
                    "a draft is not credited; issue it first",
                ))
            }
            "void" => return Err(ApiError::conflict("invoice_void", "the invoice is void")),
            _ => {}
        }
        let currency = Currency::parse(&before.currency)
            .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
        let current = view(conn, before.clone())?;
        // What was credited so far, per invoice line and per tax rate (net and tax).
        let credited: Vec<(Option<i64>, Decimal, String, Decimal, Decimal)> =
            credit_note_lines::table
                .inner_join(credit_notes::table)
                .filter(credit_notes::invoice_id.eq(invoice_id))
                .select((
                    credit_note_lines::invoice_line_id,
                    credit_note_lines::tax_rate,
                    credit_note_lines::tax_name,
                    credit_note_lines::amount,
                    credit_note_lines::tax_amount,
                ))
                .load(conn)?;
        // Per rate: (rate, name, net left, tax left), from all lines (discounts included).
        let mut groups: Vec<(Decimal, String, Decimal, Decimal)> = Vec::new();
        for (line, _) in &current.lines {
            match groups
                .iter_mut()
                .find(|g| g.0 == line.tax_rate && g.1 == line.tax_name)
            {
                Some(g) => {
                    g.2 += line.amount;
                    g.3 += line.tax_amount;
                }
                None => groups.push((
                    line.tax_rate,
                    line.tax_name.clone(),
                    line.amount,
                    line.tax_amount,
                )),
            }
        }
        for (_, rate, name, net, tax) in &credited {
            if let Some(g) = groups.iter_mut().find(|g| g.0 == *rate && g.1 == *name) {
                g.2 -= *net;
                g.3 -= *tax;
            }
        }
        groups
            .retain(|g| g.2 + g.3 > Decimal::ZERO && g.2 >= Decimal::ZERO && g.3 >= Decimal::ZERO);
        let number = before.number.clone().unwrap_or_default();
        let group_line =
            |(rate, name, net, tax): (Decimal, String, Decimal, Decimal)| NewCreditLine {
                invoice_line_id: None,
                description: format!("Credit on invoice {number} ({name})"),
                amount: net,
                tax_rate: rate,
                tax_name: name,
                tax_amount: tax,
            };
        let mut new_lines: Vec<NewCreditLine> = Vec::new();
        match &request {
            CreditRequest::Full => {
                // Everything left, rate by rate: net and tax exactly as the invoice charged.
                new_lines.extend(groups.iter().cloned().map(group_line));
            }
            CreditRequest::Lines(wanted) => {
                for (i, (line_id, amount)) in wanted.iter().enumerate() {
                    let Some((line, _)) = current.lines.iter().find(|(l, _)| l.id == *line_id)
                    else {
                        return Err(line_error(i, "not_found", "no such line on this invoice"));
                    };
                    if wanted[..i].iter().any(|(other, _)| other == line_id) {
                        return Err(line_error(i, "duplicate", "the line is named twice"));
                    }
                    let (net_done, tax_done) = credited
                        .iter()
                        .filter(|c| c.0 == Some(line.id))
                        .fold((Decimal::ZERO, Decimal::ZERO), |(n, t), c| {
                            (n + c.3, t + c.4)
                        });
                    let left = (line.amount - net_done).max(Decimal::ZERO);
                    let tax_left = (line.tax_amount - tax_done).max(Decimal::ZERO);
                    let amount = amount.unwrap_or(left);
                    if amount <= Decimal::ZERO || amount != round_to_minor_unit(amount, currency) {
                        return Err(line_error(
                            i,
                            "invalid",
                            format!("a positive amount in whole {} minor units", before.currency),
                        ));
                    }
                    if amount > left {
                        return Err(line_error(
                            i,
                            "exceeds_line",
                            format!(
                                "at most {} is left to credit on this line",
                                for_display(left, &before.currency)
                            ),
                        ));
                    }
                    // The last part of a line takes the rest of its tax, so parts never
                    // credit more tax than the line carried.
                    let tax_amount = if amount == left {
                        tax_left
                    } else {
                        round_to_minor_unit(amount * line.tax_rate / Decimal::ONE_HUNDRED, currency)
                            .min(tax_left)
                    };
                    new_lines.push(NewCreditLine {
                        invoice_line_id: Some(line.id),
                        description: line.description.clone(),
                        amount,
                        tax_rate: line.tax_rate,
                        tax_name: line.tax_name.clone(),
                        tax_amount,
                    });
                }
            }
            CreditRequest::Amount(gross) => {
                let open: Decimal = groups.iter().map(|g| g.2 + g.3).sum();
                let rates: Vec<(Decimal, Decimal)> =
                    groups.iter().map(|g| (g.0, g.2 + g.3)).collect();
                let shares = if *gross != round_to_minor_unit(*gross, currency) {
                    None
                } else {
                    allocate_credit(*gross, &rates, currency)
                };
                let Some(shares) = shares else {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "amount",
                        "invalid",
                        format!(
                            "a positive amount in whole minor units, at most {} {}",
                            for_display(open, &before.currency),
                            before.currency
                        ),
                    )]));
                };
                for (g, (net, tax)) in groups.iter().zip(shares) {
                    let share = net + tax;
                    let left = g.2 + g.3;
                    // A share that takes all that is left of a rate takes its net and tax as
                    // charged; a smaller one splits in the proportion the rate charged.
                    let (net, tax) = if share >= left {
                        (g.2, g.3)
                    } else if left.is_zero() {
                        (Decimal::ZERO, Decimal::ZERO)
                    } else {
                        let n = round_to_minor_unit(share * g.2 / left, currency);
                        (n, share - n)
                    };
                    if net.is_zero() && tax.is_zero() {
                        continue;
                    }
                    new_lines.push(group_line((g.0, g.1.clone(), net, tax)));
                }
            }
        }
        if new_lines.is_empty() {
            return Err(ApiError::conflict(
                "nothing_to_credit",
                "nothing is left to credit on this invoice",
            ));
        }
        let subtotal: Decimal = new_lines.iter().map(|l| l.amount).sum();
        let tax_total: Decimal = new_lines.iter().map(|l| l.tax_amount).sum();
        let total = subtotal + tax_total;
        if before.amount_credited + total > before.total {
            return Err(ApiError::conflict(
                "exceeds_invoice",
                format!(
                    "credits would exceed the invoice: {} of {} is credited already",
                    for_display(before.amount_credited, &before.currency),
                    for_display(before.total, &before.currency)
                ),
            ));
        }
        let today = ctx.now.date_naive();
        let number = run::take_numbers(conn, "CN", today.year(), 1)?.remove(0);
        let note: CreditNoteRow = diesel::insert_into(credit_notes::table)
            .values((
                credit_notes::number.eq(&number),
                credit_notes::customer_id.eq(before.customer_id),
                credit_notes::invoice_id.eq(invoice_id),
                credit_notes::reason.eq(reason),
                credit_notes::currency.eq(&before.currency),
                credit_notes::subtotal.eq(subtotal),
                credit_notes::tax_total.eq(tax_total),
                credit_notes::total.eq(total),
                credit_notes::issue_date.eq(today),
                credit_notes::created_by.eq(ctx.actor.label()),
                credit_notes::created_at.eq(ctx.now),
            ))
            .returning(CreditNoteRow::as_returning())
            .get_result(conn)?;
        let rows: Vec<_> = new_lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                (
                    credit_note_lines::credit_note_id.eq(note.id),
                    credit_note_lines::invoice_line_id.eq(l.invoice_line_id),
                    credit_note_lines::position.eq(i as i32 + 1),
                    credit_note_lines::description.eq(&l.description),
                    credit_note_lines::amount.eq(l.amount),
                    credit_note_lines::tax_rate.eq(l.tax_rate),
                    credit_note_lines::tax_name.eq(&l.tax_name),
                    credit_note_lines::tax_amount.eq(l.tax_amount),
                )
            })
            .collect();
        diesel::insert_into(credit_note_lines::table)
            .values(&rows)
            .execute(conn)?;
        let credited = before.amount_credited + total;
        let status = if before.total - before.amount_paid - credited <= Decimal::ZERO {
            "paid"
        } else {
            before.status.as_str()
        };
        diesel::update(invoices::table.find(invoice_id))
            .set((
                invoices::amount_credited.eq(credited),
                invoices::status.eq(status),
                invoices::version.eq(before.version + 1),
            ))
            .execute(conn)?;
        diesel::insert_into(ledger_entries::table)
            .values((
                ledger_entries::customer_id.eq(before.customer_id),
                ledger_entries::kind.eq("credit_note"),
                ledger_entries::amount.eq(-total),
                ledger_entries::currency.eq(&before.currency),
                ledger_entries::reference_type.eq("credit_note"),
                ledger_entries::reference_id.eq(note.id.to_string()),
                ledger_entries::description.eq(format!(
                    "Credit note {number} on invoice {}",
                    before.number.clone().unwrap_or_default()
                )),
                ledger_entries::occurred_at.eq(ctx.now),
                ledger_entries::created_at.eq(ctx.now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "credit_note.issued",
                entity_type: "credit_note",
                entity_id: note.id.to_string(),
                before: None,
                after: Some(json!({"number": number, "invoice_id": invoice_id,
                                   "invoice_number": before.number, "total": total.to_string(),
                                   "currency": before.currency, "reason": reason})),
                customer_id: Some(before.customer_id),
            },
        )?;
        credit_note_view(conn, note)
    })
}

// The ledger ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct LedgerRow {
    pub id: i64,
    pub kind: String,
    pub amount: Decimal,
    pub currency: String,
    pub due_on: Option<NaiveDate>,
    pub reference_type: Option<String>,
    pub reference_id: Option<String>,
    pub description: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The SQL types of a `LedgerRow`.
type LedgerSql = (
    diesel::sql_types::BigInt,
    diesel::sql_types::Text,
    diesel::sql_types::Numeric,
    diesel::sql_types::Bpchar,
    diesel::sql_types::Nullable<diesel::sql_types::Date>,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::Timestamptz,
);

fn ledger_query<'a>(
    customer_id: i64,
) -> crate::db::schema::ledger_entries::BoxedQuery<'a, diesel::pg::Pg, LedgerSql> {
    ledger_entries::table
        .filter(ledger_entries::customer_id.eq(customer_id))
        .select((
            ledger_entries::id,
            ledger_entries::kind,
            ledger_entries::amount,
            ledger_entries::currency,
            ledger_entries::due_on,
            ledger_entries::reference_type,
            ledger_entries::reference_id,
            ledger_entries::description,
            ledger_entries::occurred_at,
        ))
        .into_boxed()
}

/// A customer's ledger entries, newest first.
pub fn ledger(
    conn: &mut PgConnection,
    customer_id: i64,
    limit: i64,
    before_id: Option<i64>,
) -> ApiResult<Vec<LedgerRow>> {
    ensure_customer(conn, customer_id)?;
    let mut q = ledger_query(customer_id)
        .order(ledger_entries::id.desc())
        .limit(limit + 1);
    if let Some(id) = before_id {
        q = q.filter(ledger_entries::id.lt(id));
    }
    Ok(q.load(conn)?)
}

fn ensure_customer(conn: &mut PgConnection, customer_id: i64) -> ApiResult<()> {
    let exists: bool =
        diesel::select(diesel::dsl::exists(customers::table.find(customer_id))).get_result(conn)?;
    if exists {
        Ok(())
    } else {
        Err(ApiError::not_found("customer"))
    }
}

/// A statement of account: the balance before `from`, every entry of `[from, to]` with the
/// running balance, and the balance at the end.
#[derive(Debug, Clone)]
pub struct Statement {
    pub customer: BillTo,
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening: Decimal,
    pub entries: Vec<(LedgerRow, Decimal)>,
    pub closing: Decimal,
}

pub fn statement(
    conn: &mut PgConnection,
    customer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Statement> {
    ensure_customer(conn, customer_id)?;
    let customer = bill_to(conn, customer_id)?;
    let currency: String = customers::table
        .find(customer_id)
        .select(customers::currency)
        .first(conn)?;
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let end = to
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let opening: Option<Decimal> = ledger_entries::table
        .filter(ledger_entries::customer_id.eq(customer_id))
        .filter(ledger_entries::occurred_at.lt(start))
        .select(diesel::dsl::sum(ledger_entries::amount))
        .first(conn)?;
    let opening = opening.unwrap_or_default();
    let rows: Vec<LedgerRow> = ledger_query(customer_id)
        .filter(ledger_entries::occurred_at.ge(start))
        .filter(ledger_entries::occurred_at.lt(end))
        .order((ledger_entries::occurred_at, ledger_entries::id))
        .load(conn)?;
    let mut balance = opening;
    let entries = rows
        .into_iter()
        .map(|r| {
            balance += r.amount;
            (r, balance)
        })
        .collect();
    Ok(Statement {
        customer,
        currency,
        from,
        to,
        opening,
        entries,
        closing: balance,
    })
}

// Waiting charges ------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PendingChargeRow {
    pub id: i64,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub kind: String,
    pub description: String,
    pub amount: Decimal,
    pub currency: String,
    pub charge_on: NaiveDate,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub invoice_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// The charges waiting for the customer's next invoice (and, with `all`, those invoiced).
pub fn pending_charges(
    conn: &mut PgConnection,
    customer_id: i64,
    all: bool,
) -> ApiResult<Vec<PendingChargeRow>> {
    ensure_customer(conn, customer_id)?;
    let mut q = pending_charges::table
        .filter(pending_charges::customer_id.eq(customer_id))
        .select((
            pending_charges::id,
            pending_charges::customer_id,
            pending_charges::subscription_id,
            pending_charges::kind,
            pending_charges::description,
            pending_charges::amount,
            pending_charges::currency,
            pending_charges::charge_on,
            pending_charges::period_start,
            pending_charges::period_end,
            pending_charges::invoice_id,
            pending_charges::created_at,
        ))
        .order(pending_charges::id.desc())
        .limit(500)
        .into_boxed();
    if !all {
        q = q.filter(pending_charges::invoiced_at.is_null());
    }
    Ok(q.load(conn)?)
}

/// One-time charges staff may add (deposits, fees, equipment).
pub const CHARGE_KINDS: &[&str] = &[
    "deposit",
    "late_fee",
    "reconnection_fee",
    "installation",
    "other",
];

/// Adds a one-time charge for the customer's next invoice.
#[allow(clippy::too_many_arguments)]
pub fn add_charge(
    conn: &mut PgConnection,
    ctx: &RequestContext,
    customer_id: i64,
    kind: &str,
    description: &str,
    amount: Decimal,
    tax_category: &str,
    charge_on: NaiveDate,
) -> ApiResult<PendingChargeRow> {
    conn.transaction(|conn| {
        let currency: Option<String> = customers::table
            .find(customer_id)
            .select(customers::currency)
            .first(conn)
            .optional()?;
        let currency = currency.ok_or_else(|| ApiError::not_found("customer"))?;
        let id = super::add_pending_charge(
            conn,
            customer_id,
            None,
            kind,
            description,
            amount,
            &currency,
            tax_category,
            charge_on,
            ctx.now,
        )?;
        audit::record(
            conn,
            ctx,
            Change {
                action: "charge.added",
                entity_type: "pending_charge",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({"kind": kind, "description": description,
                                   "amount": amount.to_string(), "currency": currency,
                                   "charge_on": charge_on})),
                customer_id: Some(customer_id),
            },
        )?;
        let row = pending_charges(conn, customer_id, true)?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| ApiError::not_found("charge"))?;
        Ok(row)
    })
}
