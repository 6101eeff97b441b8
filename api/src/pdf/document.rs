//! The invoice and credit note layout: letterhead, title and number, customer and details,
//! the lines, the tax breakdown beside the totals, then (invoices only) how to pay.

use super::canvas::{
    Canvas, ACCENT, ALERT, ALERT_BAND, BAND, CONTENT_W, INK, MARGIN_X, MUTED, RIGHT,
};
use super::layout::{self, Align, Column, RowStyle, RunningHead, Table};
use super::text::Face;
use super::{Document, DocumentKind, PdfError};

/// Where the totals column starts.
const SUMMARY_X: f32 = 116.0;

/// Payment instruction lines beyond this many are not printed (they would need a page).
const MAX_PAYMENT_LINES: usize = 12;

pub(crate) fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let status = doc.status.trim().to_ascii_lowercase();
    let is_draft = status == "draft" || doc.number.is_none();
    let is_void = status == "void" || status == "voided";
    let watermark = if is_void {
        Some("VOID")
    } else if is_draft {
        Some("DRAFT")
    } else {
        None
    };
    let title = match doc.kind {
        DocumentKind::Invoice => "INVOICE",
        DocumentKind::CreditNote => "CREDIT NOTE",
    };
    let kind_name = match doc.kind {
        DocumentKind::Invoice => "Invoice",
        DocumentKind::CreditNote => "Credit note",
    };
    let number = doc.number.as_deref().unwrap_or("DRAFT");

    let mut canvas = Canvas::new(&format!("{kind_name} {number}"), watermark);
    let logo = layout::load_logo(&mut canvas, &doc.seller)?;
    let mut y = layout::letterhead(&mut canvas, &doc.seller, logo.as_ref());

    let subtitle = match &doc.number {
        Some(n) => format!("No. {n}"),
        None => "DRAFT".to_string(),
    };
    y = layout::title(&mut canvas, y, title, &subtitle);

    if is_void {
        let message = match doc.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            Some(reason) => format!("VOID: this document has been cancelled. Reason: {reason}"),
            None => "VOID: this document has been cancelled and is not payable.".to_string(),
        };
        y = layout::banner(&mut canvas, y, &message, ALERT, ALERT_BAND);
    } else if is_draft {
        let message = format!(
            "DRAFT: not a valid {}; it is numbered when it is issued.",
            kind_name.to_lowercase()
        );
        y = layout::banner(&mut canvas, y, &message, ALERT, ALERT_BAND);
    }

    let details_x = 120.0;
    let buyer_bottom = layout::buyer_block(
        &mut canvas,
        y,
        "BILL TO",
        &doc.buyer,
        &doc.account_number,
        details_x - MARGIN_X - 8.0,
    );
    let details = detail_rows(doc, number);
    let details_bottom = layout::details_block(&mut canvas, y, details_x, &details);
    y = buyer_bottom.max(details_bottom) + 3.0;

    y = reference_and_reason(&mut canvas, y, doc, is_void);

    let head = RunningHead {
        left: doc.seller.party.name.clone(),
        right: format!("{kind_name} {number} (continued)"),
    };
    let table = Table {
        x: MARGIN_X,
        size: 8.5,
        columns: vec![
            Column {
                title: "Description",
                width: 58.0,
                align: Align::Left,
                max_lines: 3,
            },
            Column {
                title: "Period",
                width: 41.0,
                align: Align::Left,
                max_lines: 2,
            },
            Column {
                title: "Qty",
                width: 12.0,
                align: Align::Right,
                max_lines: 1,
            },
            Column {
                title: "Unit price",
                width: 21.0,
                align: Align::Right,
                max_lines: 1,
            },
            Column {
                title: "Tax",
                width: 17.0,
                align: Align::Right,
                max_lines: 1,
            },
            Column {
                title: "Amount",
                width: 25.0,
                align: Align::Right,
                max_lines: 1,
            },
        ],
    };
    let rows = doc.lines.iter().map(|line| {
        table.lay_out(
            &[
                &line.description,
                &line.period,
                &line.quantity,
                &line.unit_price,
                &line.tax_rate,
                &line.amount,
            ],
            RowStyle::Normal,
        )
    });
    y = table.rows(&mut canvas, &head, y, rows);
    if doc.lines.is_empty() {
        canvas.text(
            MARGIN_X + 1.6,
            y + 5.0,
            Face::Regular,
            8.5,
            MUTED,
            "No lines.",
        );
        y += 8.0;
    }

    y = summary(&mut canvas, &head, y + 6.0, doc, is_void);

    if doc.kind == DocumentKind::Invoice && !is_void {
        payment_instructions(
            &mut canvas,
            &head,
            y + 6.0,
            &doc.seller.payment_instructions,
        );
    }

    canvas.finish(&layout::footer_text(&doc.seller))
}

fn detail_rows(doc: &Document, number: &str) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    let number_label = match doc.kind {
        DocumentKind::Invoice => "Invoice no.",
        DocumentKind::CreditNote => "Credit note no.",
    };
    rows.push((number_label, number.to_string()));
    let present = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    if let Some(d) = present(&doc.issue_date) {
        rows.push(("Issue date", d));
    }
    if let Some(d) = present(&doc.due_date) {
        rows.push(("Due date", d));
    }
    if let Some(p) = present(&doc.period) {
        rows.push(("Billing period", p));
    }
    if !doc.currency.trim().is_empty() {
        rows.push(("Currency", doc.currency.clone()));
    }
    if !doc.status.trim().is_empty() {
        rows.push(("Status", capitalise(doc.status.trim())));
    }
    rows
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The credit note's reference to the invoice it credits, and its reason (a void reason is
/// already in the banner).
fn reference_and_reason(canvas: &mut Canvas, mut y: f32, doc: &Document, is_void: bool) -> f32 {
    let reference = doc.reference.as_deref().filter(|r| !r.trim().is_empty());
    let reason = doc
        .reason
        .as_deref()
        .filter(|r| !r.trim().is_empty() && !is_void);
    if reference.is_none() && reason.is_none() {
        return y;
    }
    y += 2.0;
    if let Some(reference) = reference {
        let text = layout::fit(Face::Bold, 9.0, reference, CONTENT_W);
        canvas.text(MARGIN_X, y + 3.5, Face::Bold, 9.0, INK, &text);
        y += 5.0;
    }
    if let Some(reason) = reason {
        let label = "Reason: ";
        let label_w = layout::width_mm(Face::Regular, 8.5, label);
        canvas.text(MARGIN_X, y + 3.5, Face::Regular, 8.5, MUTED, label);
        let lines = layout::wrap(Face::Regular, 8.5, reason, CONTENT_W - label_w, 3);
        for line in lines {
            canvas.text(MARGIN_X + label_w, y + 3.5, Face::Regular, 8.5, INK, &line);
            y += 4.0;
        }
    }
    y + 4.0
}

/// The tax breakdown (left) beside subtotal, tax, total and amount due (right).
fn summary(canvas: &mut Canvas, head: &RunningHead, y: f32, doc: &Document, is_void: bool) -> f32 {
    let currency = doc.currency.trim();
    let with_currency = |label: &str| {
        if currency.is_empty() {
            label.to_string()
        } else {
            format!("{label} ({currency})")
        }
    };
    // A void document is not payable, whatever amount the caller passed.
    let amount_due = doc
        .amount_due
        .as_deref()
        .filter(|d| !d.trim().is_empty() && !is_void);
    let totals_h: f32 = 3.0 * 6.5 + if amount_due.is_some() { 8.0 } else { 0.0 };
    let y = layout::ensure_room(canvas, head, y, totals_h.max(20.0));

    // Totals, right: subtotal and tax plain, the total bold under a rule, the amount due on
    // a dark band.
    let x = SUMMARY_X;
    let mut ty = y;
    let totals = [
        ("Subtotal", &doc.subtotal, false),
        ("Tax", &doc.tax_total, false),
        ("Total", &doc.total, true),
    ];
    for (label, value, strong) in totals {
        let label = with_currency(label);
        let (face, size, label_color) = if strong {
            canvas.hline(x, RIGHT, ty + 0.5, 0.8, INK);
            (Face::Bold, 9.5, INK)
        } else {
            (Face::Regular, 8.5, MUTED)
        };
        canvas.text(x + 2.0, ty + 5.2, face, size, label_color, &label);
        let value_w = RIGHT - x - layout::width_mm(face, size, &label) - 6.0;
        let (value, value_size) = layout::fit_amount(face, size, value, value_w);
        canvas.text_right(RIGHT - 2.0, ty + 5.2, face, value_size, INK, &value);
        ty += 6.5;
    }
    if let Some(due) = amount_due {
        ty = layout::callout(canvas, x, ty, &with_currency("Amount due"), due);
    }

    // Tax breakdown, left; continues over pages like any table when there are many rates.
    let mut by = y;
    if !doc.taxes.is_empty() {
        let table = Table {
            x: MARGIN_X,
            size: 8.0,
            columns: vec![
                Column {
                    title: "Tax",
                    width: 32.0,
                    align: Align::Left,
                    max_lines: 2,
                },
                Column {
                    title: "Rate",
                    width: 16.0,
                    align: Align::Right,
                    max_lines: 1,
                },
                Column {
                    title: "Base",
                    width: 22.0,
                    align: Align::Right,
                    max_lines: 1,
                },
                Column {
                    title: "Tax",
                    width: 22.0,
                    align: Align::Right,
                    max_lines: 1,
                },
            ],
        };
        let start_page = canvas.page_count();
        let rows = doc
            .taxes
            .iter()
            .map(|t| table.lay_out(&[&t.name, &t.rate, &t.base, &t.tax], RowStyle::Normal));
        by = table.rows(canvas, head, y, rows);
        if canvas.page_count() != start_page {
            // The breakdown went on to a new page: the totals are behind us.
            return by;
        }
    }
    by.max(ty)
}

fn payment_instructions(canvas: &mut Canvas, head: &RunningHead, y: f32, lines: &[String]) {
    let lines: Vec<&String> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(MAX_PAYMENT_LINES)
        .collect();
    if lines.is_empty() {
        return;
    }
    let h = 9.0 + lines.len() as f32 * 4.2 + 2.0;
    let y = layout::ensure_room(canvas, head, y, h);
    canvas.fill_rect(MARGIN_X, y, CONTENT_W, h, BAND);
    canvas.fill_rect(MARGIN_X, y, 1.2, h, ACCENT);
    canvas.text(
        MARGIN_X + 5.0,
        y + 5.5,
        Face::Bold,
        9.0,
        ACCENT,
        "How to pay",
    );
    let mut ly = y + 10.5;
    for line in lines {
        let text = layout::fit(Face::Regular, 8.5, line, CONTENT_W - 10.0);
        canvas.text(MARGIN_X + 5.0, ly, Face::Regular, 8.5, INK, &text);
        ly += 4.2;
    }
}
