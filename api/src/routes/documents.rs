//! Invoices, credit notes and statements as PDF (`crate::pdf` lays them out).

use actix_web::{get, web, HttpResponse};
use rust_decimal::Decimal;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::config::Company;
use crate::db;
use crate::domain::money::for_display;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pdf::{self, DocLine, Document, DocumentKind, Party, Seller, StatementLine, TaxRow};
use crate::services::billing::invoices::{self as service, BillTo, Statement};
use crate::state::State;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(invoice_pdf).service(credit_note_pdf);
}

fn money(amount: Decimal, currency: &str) -> String {
    for_display(amount, currency).to_string()
}

fn seller(company: &Company) -> ApiResult<Seller> {
    let logo = match &company.logo_path {
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            ApiError::internal(anyhow::anyhow!("COMPANY_LOGO {}: {e}", path.display()))
        })?),
        None => None,
    };
    Ok(Seller {
        party: Party {
            name: company.name.clone(),
            address_lines: company.address_lines.clone(),
            tax_id: company.tax_id.clone(),
            email: company.email.clone(),
        },
        logo,
        payment_instructions: company.payment_instructions.clone(),
    })
}

fn buyer(b: &BillTo) -> Party {
    Party {
        name: b.company_name.clone().unwrap_or_else(|| b.name.clone()),
        address_lines: b
            .company_name
            .as_ref()
            .map(|_| format!("Attn. {}", b.name))
            .into_iter()
            .chain(b.address_lines.iter().cloned())
            .collect(),
        tax_id: b.tax_id.clone(),
        email: b.email.clone(),
    }
}

fn span(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("{f} – {}", t.pred_opt().unwrap_or(t)),
        _ => String::new(),
    }
}

fn rate_text(rate: Decimal, name: &str) -> String {
    if name == "Exempt" {
        "exempt".to_owned()
    } else {
        format!("{}%", rate.normalize())
    }
}

/// The tax per rate of a document's lines (name, rate, net, tax).
fn tax_rows<'a>(
    lines: impl IntoIterator<Item = (&'a str, Decimal, Decimal, Decimal)>,
    currency: &str,
) -> Vec<TaxRow> {
    crate::domain::billing::totals(lines)
        .by_rate
        .iter()
        .map(|t| TaxRow {
            name: t.name.clone(),
            rate: rate_text(t.rate, &t.name),
            base: money(t.base, currency),
            tax: money(t.tax, currency),
        })
        .collect()
}

/// A PDF document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

pub fn pdf_response(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{filename}\""),
        ))
        .body(bytes)
}

fn render_error(e: pdf::PdfError) -> ApiError {
    ApiError::internal(anyhow::anyhow!("PDF: {e}"))
}

/// An invoice as a PDF: the ISP (name, address, tax id, logo), the customer, the lines, the
/// tax per rate, the totals and how to pay. A draft says DRAFT; a void invoice says VOID.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice (`application/pdf`)", content_type = "application/pdf", body = PdfFile),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/invoices/{id}/pdf")]
pub async fn invoice_pdf(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = db::run(&state.pool, move |conn| service::find(conn, id)).await?;
    let c = v.row.currency.clone();
    let doc = Document {
        kind: DocumentKind::Invoice,
        number: v.row.number.clone(),
        status: v.row.status.clone(),
        issue_date: v.row.issue_date.map(|d| d.to_string()),
        due_date: v.row.due_date.map(|d| d.to_string()),
        period: Some(span(v.row.period_start, v.row.period_end)).filter(|s| !s.is_empty()),
        reference: None,
        reason: v.row.void_reason.clone(),
        currency: c.clone(),
        seller: seller(&state.config.billing.company)?,
        buyer: buyer(&v.customer),
        account_number: v.customer.account_number.clone(),
        lines: v
            .lines
            .iter()
            .map(|(l, _)| DocLine {
                description: l.description.clone(),
                period: span(l.period_start, l.period_end),
                quantity: l.quantity.normalize().to_string(),
                unit_price: money(l.unit_price, &c),
                amount: money(l.amount, &c),
                tax_rate: rate_text(l.tax_rate, &l.tax_name),
            })
            .collect(),
        taxes: tax_rows(
            v.lines
                .iter()
                .map(|(l, _)| (l.tax_name.as_str(), l.tax_rate, l.amount, l.tax_amount)),
            &c,
        ),
        subtotal: money(v.row.subtotal, &c),
        tax_total: money(v.row.tax_total, &c),
        total: money(v.row.total, &c),
        amount_due: Some(money(v.row.amount_due(), &c)),
    };
    let bytes = pdf::render_document(&doc).map_err(render_error)?;
    let name = v
        .row
        .number
        .clone()
        .unwrap_or_else(|| format!("draft-{id}"));
    Ok(pdf_response(bytes, &format!("{name}.pdf")))
}

/// A credit note as a PDF, naming the invoice it credits.
#[utoipa::path(
    tag = "billing",
    params(("id" = i64, Path, description = "Credit note id")),
    responses(
        (status = 200, description = "The credit note (`application/pdf`)", content_type = "application/pdf", body = PdfFile),
        (status = 404, description = "`not_found`", body = Problem),
    )
)]
#[get("/credit-notes/{id}/pdf")]
pub async fn credit_note_pdf(state: State, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let v = db::run(&state.pool, move |conn| service::find_credit_note(conn, id)).await?;
    let c = v.row.currency.clone();
    let doc = Document {
        kind: DocumentKind::CreditNote,
        number: Some(v.row.number.clone()),
        status: "issued".to_owned(),
        issue_date: Some(v.row.issue_date.to_string()),
        due_date: None,
        period: None,
        reference: Some(format!("Credits invoice {}", v.invoice_number)),
        reason: Some(v.row.reason.clone()),
        currency: c.clone(),
        seller: seller(&state.config.billing.company)?,
        buyer: buyer(&v.customer),
        account_number: v.customer.account_number.clone(),
        lines: v
            .lines
            .iter()
            .map(|l| DocLine {
                description: l.description.clone(),
                period: String::new(),
                quantity: "1".to_owned(),
                unit_price: money(l.amount, &c),
                amount: money(l.amount, &c),
                tax_rate: rate_text(l.tax_rate, &l.tax_name),
            })
            .collect(),
        taxes: tax_rows(
            v.lines
                .iter()
                .map(|l| (l.tax_name.as_str(), l.tax_rate, l.amount, l.tax_amount)),
            &c,
        ),
        subtotal: money(v.row.subtotal, &c),
        tax_total: money(v.row.tax_total, &c),
        total: money(v.row.total, &c),
        amount_due: None,
    };
    let bytes = pdf::render_document(&doc).map_err(render_error)?;
    Ok(pdf_response(bytes, &format!("{}.pdf", v.row.number)))
}

/// A statement of account as a PDF.
pub fn statement_pdf(company: &Company, st: &Statement) -> ApiResult<Vec<u8>> {
    let c = st.currency.as_str();
    let doc = pdf::Statement {
        seller: seller(company)?,
        buyer: buyer(&st.customer),
        account_number: st.customer.account_number.clone(),
        currency: c.to_owned(),
        from: st.from.to_string(),
        to: st.to.to_string(),
        opening_balance: money(st.opening, c),
        closing_balance: money(st.closing, c),
        lines: st
            .entries
            .iter()
            .map(|(r, balance)| StatementLine {
                date: r.occurred_at.date_naive().to_string(),
                description: r
                    .description
                    .clone()
                    .unwrap_or_else(|| r.kind.replace('_', " ")),
                reference: r
                    .reference_id
                    .clone()
                    .map(|id| format!("{} {id}", r.reference_type.clone().unwrap_or_default()))
                    .unwrap_or_default(),
                debit: if r.amount > Decimal::ZERO {
                    money(r.amount, c)
                } else {
                    String::new()
                },
                credit: if r.amount < Decimal::ZERO {
                    money(-r.amount, c)
                } else {
                    String::new()
                },
                balance: money(*balance, c),
            })
            .collect(),
    };
    pdf::render_statement(&doc).map_err(render_error)
}
