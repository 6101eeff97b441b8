//! PDF rendering of invoices, credit notes and account statements: pure functions from
//! already-formatted values to PDF bytes, with no database and no HTTP.
//!
//! Rules:
//! - Callers format every amount, date and rate; this module only lays text out. It never
//!   computes or rounds money, so what the PDF shows is exactly what the ledger says.
//! - A4 portrait, the 14 standard PDF fonts (Helvetica), so no font file is needed. Those
//!   fonts can show WinAnsi (CP1252) text only: any other character is printed as `?`.
//! - Nothing overflows a page: long texts wrap or end in an ellipsis, amounts too wide for
//!   their column are set smaller, and tables continue on new pages with their header
//!   repeated. Every page has a footer with the seller's tax id and "Page n / m".
//! - Drafts and void documents carry a large diagonal watermark and a banner on page one, so a
//!   printed draft can never pass for an issued invoice. A draft has no number: it says DRAFT.
//! - No input makes rendering panic; what cannot be rendered (a logo that is not a decodable
//!   PNG or JPEG) is a [`PdfError`].

mod canvas;
mod document;
mod layout;
mod statement;
mod text;

#[cfg(test)]
mod tests;

/// A company or person as printed in an address block.
#[derive(Debug, Clone, Default)]
pub struct Party {
    pub name: String,
    pub address_lines: Vec<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
}

/// The ISP issuing the document.
#[derive(Debug, Clone, Default)]
pub struct Seller {
    pub party: Party,
    /// PNG or JPEG bytes of the ISP's logo, from configuration; None: no logo.
    pub logo: Option<Vec<u8>>,
    /// Payment instructions, one line each (bank, IBAN, reference to quote…).
    pub payment_instructions: Vec<String>,
}

/// One line of an invoice or credit note.
#[derive(Debug, Clone, Default)]
pub struct DocLine {
    pub description: String,
    /// e.g. "2026-03-17 – 2026-03-31", or empty.
    pub period: String,
    pub quantity: String,
    pub unit_price: String,
    /// Net, already formatted with the currency's minor units, e.g. "29.90".
    pub amount: String,
    /// e.g. "20%" or "exempt".
    pub tax_rate: String,
}

/// One rate of the tax breakdown.
#[derive(Debug, Clone, Default)]
pub struct TaxRow {
    pub name: String,
    pub rate: String,
    pub base: String,
    pub tax: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// An invoice or a credit note, every value already formatted for print.
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocumentKind,
    /// None for a draft: "DRAFT" is printed instead.
    pub number: Option<String>,
    /// "draft" | "issued" | "paid" | "void" …; draft and void get a watermark and a banner.
    pub status: String,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub period: Option<String>,
    /// Credit note: "Credits invoice INV-2026-000123"; invoice: none.
    pub reference: Option<String>,
    /// Credit note reason / void reason.
    pub reason: Option<String>,
    pub currency: String,
    pub seller: Seller,
    pub buyer: Party,
    pub account_number: String,
    pub lines: Vec<DocLine>,
    pub taxes: Vec<TaxRow>,
    pub subtotal: String,
    pub tax_total: String,
    pub total: String,
    pub amount_due: Option<String>,
}

/// Renders an invoice or credit note as a PDF.
pub fn render_document(doc: &Document) -> Result<Vec<u8>, PdfError> {
    document::render(doc)
}

/// One movement on an account statement.
#[derive(Debug, Clone, Default)]
pub struct StatementLine {
    pub date: String,
    pub description: String,
    pub reference: String,
    pub debit: String,
    pub credit: String,
    pub balance: String,
}

/// A customer's account movements between two dates, every value already formatted.
#[derive(Debug, Clone)]
pub struct Statement {
    pub seller: Seller,
    pub buyer: Party,
    pub account_number: String,
    pub currency: String,
    pub from: String,
    pub to: String,
    pub opening_balance: String,
    pub closing_balance: String,
    pub lines: Vec<StatementLine>,
}

/// Renders an account statement as a PDF.
pub fn render_statement(st: &Statement) -> Result<Vec<u8>, PdfError> {
    statement::render(st)
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The configured logo is not a PNG or JPEG that can be decoded.
    #[error("the logo cannot be used: {0}")]
    Logo(String),
    /// The PDF writer failed; not expected for any input, reported rather than panicking.
    #[error("the PDF could not be written: {0}")]
    Render(String),
}
