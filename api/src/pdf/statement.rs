//! The account statement layout: letterhead, customer and period, then every movement
//! between an opening and a closing balance row, and the closing balance called out.

use super::canvas::{Canvas, MARGIN_X};
use super::layout::{self, Align, Column, RowStyle, RunningHead, Table};
use super::{PdfError, Statement};

pub(crate) fn render(st: &Statement) -> Result<Vec<u8>, PdfError> {
    let mut canvas = Canvas::new(&format!("Statement {}", st.account_number), None);
    let logo = layout::load_logo(&mut canvas, &st.seller)?;
    let mut y = layout::letterhead(&mut canvas, &st.seller, logo.as_ref());

    let period = format!("{} – {}", st.from.trim(), st.to.trim());
    y = layout::title(&mut canvas, y, "STATEMENT OF ACCOUNT", &period);

    let details_x = 120.0;
    let buyer_bottom = layout::buyer_block(
        &mut canvas,
        y,
        "CUSTOMER",
        &st.buyer,
        &st.account_number,
        details_x - MARGIN_X - 8.0,
    );
    let mut details: Vec<(&str, String)> = vec![("From", st.from.clone()), ("To", st.to.clone())];
    if !st.currency.trim().is_empty() {
        details.push(("Currency", st.currency.clone()));
    }
    details.push(("Opening balance", st.opening_balance.clone()));
    details.push(("Closing balance", st.closing_balance.clone()));
    let details_bottom = layout::details_block(&mut canvas, y, details_x, &details);
    y = buyer_bottom.max(details_bottom) + 6.0;

    let head = RunningHead {
        left: st.seller.party.name.clone(),
        right: format!(
            "Statement {} {period} (continued)",
            st.account_number.trim()
        ),
    };
    let table = Table {
        x: MARGIN_X,
        size: 8.5,
        columns: vec![
            Column {
                title: "Date",
                width: 21.0,
                align: Align::Left,
                max_lines: 1,
            },
            Column {
                title: "Description",
                width: 63.0,
                align: Align::Left,
                max_lines: 2,
            },
            Column {
                title: "Reference",
                width: 30.0,
                align: Align::Left,
                max_lines: 1,
            },
            Column {
                title: "Debit",
                width: 20.0,
                align: Align::Right,
                max_lines: 1,
            },
            Column {
                title: "Credit",
                width: 20.0,
                align: Align::Right,
                max_lines: 1,
            },
            Column {
                title: "Balance",
                width: 20.0,
                align: Align::Right,
                max_lines: 1,
            },
        ],
    };
    let opening = table.lay_out(
        &[&st.from, "Opening balance", "", "", "", &st.opening_balance],
        RowStyle::Emphasis,
    );
    let movements = st.lines.iter().map(|line| {
        table.lay_out(
            &[
                &line.date,
                &line.description,
                &line.reference,
                &line.debit,
                &line.credit,
                &line.balance,
            ],
            RowStyle::Normal,
        )
    });
    let closing = table.lay_out(
        &[&st.to, "Closing balance", "", "", "", &st.closing_balance],
        RowStyle::Emphasis,
    );
    let rows = std::iter::once(opening)
        .chain(movements)
        .chain(std::iter::once(closing));
    y = table.rows(&mut canvas, &head, y, rows);

    // The closing balance again, where the eye ends up.
    let y = layout::ensure_room(&mut canvas, &head, y + 6.0, 9.0);
    let label = if st.currency.trim().is_empty() {
        "Closing balance".to_string()
    } else {
        format!("Closing balance ({})", st.currency.trim())
    };
    layout::callout(&mut canvas, 116.0, y, &label, &st.closing_balance);

    canvas.finish(&layout::footer_text(&st.seller))
}
