//! The pieces invoices and statements share: the letterhead, address and detail blocks,
//! a table that continues over pages, and the footer text.
//!
//! Positions are millimetres from the top-left corner; a `y` passed in or returned is the
//! top of the next free space.

use super::canvas::{
    Canvas, Image, Rgb8, ACCENT, BAND, CONTENT_BOTTOM, CONTENT_W, INK, MARGIN_X, MUTED, PT_PER_MM,
    RIGHT, RULE,
};
use super::text::{self, Face};
use super::{Party, PdfError, Seller};

/// Address lines beyond this many are not printed: a block must not push the table away.
const MAX_ADDRESS_LINES: usize = 6;

/// Width of a string in millimetres.
pub(crate) fn width_mm(face: Face, size: f32, s: &str) -> f32 {
    text::width(face, size, s) / PT_PER_MM
}

/// `s` cut with an ellipsis to `max_w` millimetres.
pub(crate) fn fit(face: Face, size: f32, s: &str, max_w: f32) -> String {
    text::truncate(face, size, s, max_w * PT_PER_MM)
}

/// Printable `s` wrapped to `max_w` millimetres, at most `max_lines` lines.
pub(crate) fn wrap(face: Face, size: f32, s: &str, max_w: f32, max_lines: usize) -> Vec<String> {
    text::wrap(face, size, s, max_w * PT_PER_MM, max_lines)
}

/// An amount set in one line of `max_w` millimetres: at `size` when it fits, smaller when it
/// does not (down to [`MIN_AMOUNT_SIZE`]), cut only as a last resort, because a cut amount
/// reads as a different amount. Returns the text and the size to set it at.
pub(crate) fn fit_amount(face: Face, size: f32, s: &str, max_w: f32) -> (String, f32) {
    let s = text::printable(s).trim().to_string();
    let inner = max_w.max(1.0) * PT_PER_MM;
    let natural = text::width(face, size, &s);
    let size = if natural > inner {
        (size * inner / natural).max(MIN_AMOUNT_SIZE)
    } else {
        size
    };
    (text::truncate(face, size, &s, inner), size)
}

/// Decodes the seller's logo, if any.
pub(crate) fn load_logo(canvas: &mut Canvas, seller: &Seller) -> Result<Option<Image>, PdfError> {
    match &seller.logo {
        Some(bytes) => canvas.add_image(bytes).map(Some),
        None => Ok(None),
    }
}

/// Logo (or the seller's name as a wordmark) top-left, the seller's address block top-right.
/// Returns the y below both.
pub(crate) fn letterhead(canvas: &mut Canvas, seller: &Seller, logo: Option<&Image>) -> f32 {
    let top = 14.0;
    let party = &seller.party;
    let left_bottom = match logo {
        Some(image) => {
            let (w, h) = image.fit(40.0, 20.0);
            canvas.image(image, MARGIN_X, top, w, h);
            top + h
        }
        None => {
            let name = fit(Face::Bold, 16.0, &party.name, 88.0);
            canvas.text(MARGIN_X, top + 6.0, Face::Bold, 16.0, ACCENT, &name);
            top + 8.0
        }
    };

    let block_w = 80.0;
    let mut y = top + 3.0;
    canvas.text_right(
        RIGHT,
        y,
        Face::Bold,
        9.5,
        INK,
        &fit(Face::Bold, 9.5, &party.name, block_w),
    );
    y += 4.4;
    for line in party_detail_lines(party) {
        canvas.text_right(
            RIGHT,
            y,
            Face::Regular,
            8.0,
            MUTED,
            &fit(Face::Regular, 8.0, &line, block_w),
        );
        y += 3.7;
    }
    let bottom = left_bottom.max(y - 2.0) + 5.0;
    canvas.hline(MARGIN_X, RIGHT, bottom, 1.2, ACCENT);
    bottom + 3.0
}

/// Address lines, then tax id and e-mail, each as a printable line.
fn party_detail_lines(party: &Party) -> Vec<String> {
    let mut lines: Vec<String> = party
        .address_lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(MAX_ADDRESS_LINES)
        .cloned()
        .collect();
    if let Some(tax_id) = party.tax_id.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.push(format!("Tax ID: {tax_id}"));
    }
    if let Some(email) = party.email.as_deref().filter(|e| !e.trim().is_empty()) {
        lines.push(email.to_string());
    }
    lines
}

/// The document's title, large, with a subtitle (its number) beneath. Returns the y below.
pub(crate) fn title(canvas: &mut Canvas, y: f32, title: &str, subtitle: &str) -> f32 {
    canvas.text(MARGIN_X, y + 8.0, Face::Bold, 20.0, ACCENT, title);
    canvas.text(
        MARGIN_X,
        y + 14.0,
        Face::Bold,
        10.5,
        INK,
        &fit(Face::Bold, 10.5, subtitle, CONTENT_W),
    );
    y + 19.0
}

/// A full-width coloured band with one line of text, for draft and void notices.
pub(crate) fn banner(canvas: &mut Canvas, y: f32, message: &str, ink: Rgb8, band: Rgb8) -> f32 {
    let h = 8.0;
    canvas.fill_rect(MARGIN_X, y, CONTENT_W, h, band);
    canvas.fill_rect(MARGIN_X, y, 1.2, h, ink);
    let message = fit(Face::Bold, 9.0, message, CONTENT_W - 8.0);
    canvas.text(MARGIN_X + 4.0, y + 5.3, Face::Bold, 9.0, ink, &message);
    y + h + 5.0
}

/// A label and an amount in white on a dark band from `x` to the right margin: the one
/// figure the reader must not miss. Returns the y below it.
pub(crate) fn callout(canvas: &mut Canvas, x: f32, y: f32, label: &str, amount: &str) -> f32 {
    let white = Rgb8(0xff, 0xff, 0xff);
    let h = 8.0;
    canvas.fill_rect(x, y + 0.5, RIGHT - x, h - 1.0, ACCENT);
    let label = fit(Face::Bold, 9.5, label, (RIGHT - x) / 2.0);
    canvas.text(x + 2.0, y + 5.2, Face::Bold, 9.5, white, &label);
    let value_w = RIGHT - x - width_mm(Face::Bold, 9.5, &label) - 6.0;
    let (amount, size) = fit_amount(Face::Bold, 9.5, amount, value_w);
    canvas.text_right(RIGHT - 2.0, y + 5.2, Face::Bold, size, white, &amount);
    y + h
}

/// The customer's block: a small label, the name, the address, then the account number.
/// Drawn in `w` millimetres from the left margin; returns the y below it.
pub(crate) fn buyer_block(
    canvas: &mut Canvas,
    y: f32,
    label: &str,
    party: &Party,
    account_number: &str,
    w: f32,
) -> f32 {
    canvas.text(MARGIN_X, y + 3.0, Face::Bold, 7.0, MUTED, label);
    let mut y = y + 8.0;
    canvas.text(
        MARGIN_X,
        y,
        Face::Bold,
        10.5,
        INK,
        &fit(Face::Bold, 10.5, &party.name, w),
    );
    y += 4.8;
    for line in party_detail_lines(party) {
        canvas.text(
            MARGIN_X,
            y,
            Face::Regular,
            8.5,
            INK,
            &fit(Face::Regular, 8.5, &line, w),
        );
        y += 4.0;
    }
    if !account_number.trim().is_empty() {
        y += 1.0;
        let label = "Account no.  ";
        canvas.text(MARGIN_X, y, Face::Regular, 8.5, MUTED, label);
        let label_w = width_mm(Face::Regular, 8.5, label);
        canvas.text(
            MARGIN_X + label_w,
            y,
            Face::Bold,
            8.5,
            INK,
            &fit(Face::Bold, 8.5, account_number, w - label_w),
        );
        y += 4.0;
    }
    y
}

/// Label / value pairs in a right-hand column starting at `x`, values right-aligned.
/// Returns the y below the last pair.
pub(crate) fn details_block(canvas: &mut Canvas, y: f32, x: f32, rows: &[(&str, String)]) -> f32 {
    let mut y = y + 8.0;
    for (label, value) in rows {
        canvas.text(x, y, Face::Regular, 8.5, MUTED, label);
        let label_w = width_mm(Face::Regular, 8.5, label) + 3.0;
        let value = fit(Face::Bold, 8.5, value, RIGHT - x - label_w);
        canvas.text_right(RIGHT, y, Face::Bold, 8.5, INK, &value);
        y += 4.6;
    }
    y
}

/// What pages after the first show at the top, so a loose page says what it belongs to.
pub(crate) struct RunningHead {
    pub left: String,
    pub right: String,
}

impl RunningHead {
    /// Starts a new page with the running head; returns the y below it.
    pub(crate) fn new_page(&self, canvas: &mut Canvas) -> f32 {
        canvas.new_page();
        let y = 14.0;
        canvas.text(
            MARGIN_X,
            y,
            Face::Bold,
            9.0,
            ACCENT,
            &fit(Face::Bold, 9.0, &self.left, CONTENT_W / 2.0 - 2.0),
        );
        canvas.text_right(
            RIGHT,
            y,
            Face::Regular,
            8.5,
            MUTED,
            &fit(Face::Regular, 8.5, &self.right, CONTENT_W / 2.0 - 2.0),
        );
        canvas.hline(MARGIN_X, RIGHT, y + 3.0, 0.8, ACCENT);
        y + 8.0
    }
}

/// Starts a new page with the running head when `height` does not fit below `y`.
pub(crate) fn ensure_room(canvas: &mut Canvas, head: &RunningHead, y: f32, height: f32) -> f32 {
    if y + height > CONTENT_BOTTOM {
        head.new_page(canvas)
    } else {
        y
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

pub(crate) struct Column {
    pub title: &'static str,
    pub width: f32,
    pub align: Align,
    /// Left-aligned cells wrap to this many lines; right-aligned cells are always one line.
    pub max_lines: usize,
}

/// How a row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowStyle {
    Normal,
    /// Bold text on a shaded band (opening and closing balances).
    Emphasis,
}

/// A laid-out cell: its lines and the font size they fit at.
struct Cell {
    lines: Vec<String>,
    size: f32,
}

pub(crate) struct LaidOutRow {
    cells: Vec<Cell>,
    height: f32,
    style: RowStyle,
}

/// A table that repeats its header on every page it continues on.
pub(crate) struct Table {
    pub x: f32,
    pub columns: Vec<Column>,
    pub size: f32,
}

const PAD_X: f32 = 1.6;
const PAD_TOP: f32 = 1.7;
const PAD_BOTTOM: f32 = 1.5;
/// Smallest size an amount is set at before it is cut; amounts are shrunk, not cut, first.
const MIN_AMOUNT_SIZE: f32 = 4.0;

impl Table {
    fn line_height(size: f32) -> f32 {
        size * 0.45
    }

    fn header_height(&self) -> f32 {
        7.0
    }

    pub(crate) fn width(&self) -> f32 {
        self.columns.iter().map(|c| c.width).sum()
    }

    /// Draws the header row; returns the y below it.
    pub(crate) fn header(&self, canvas: &mut Canvas, y: f32) -> f32 {
        let h = self.header_height();
        canvas.fill_rect(self.x, y, self.width(), h, BAND);
        let mut x = self.x;
        for column in &self.columns {
            let title = fit(Face::Bold, 7.5, column.title, column.width - 2.0 * PAD_X);
            match column.align {
                Align::Left => canvas.text(x + PAD_X, y + 4.6, Face::Bold, 7.5, MUTED, &title),
                Align::Right => canvas.text_right(
                    x + column.width - PAD_X,
                    y + 4.6,
                    Face::Bold,
                    7.5,
                    MUTED,
                    &title,
                ),
            }
            x += column.width;
        }
        y + h
    }

    /// Fits each cell into its column and measures the row.
    pub(crate) fn lay_out(&self, cells: &[&str], style: RowStyle) -> LaidOutRow {
        let face = match style {
            RowStyle::Normal => Face::Regular,
            RowStyle::Emphasis => Face::Bold,
        };
        let mut laid = Vec::with_capacity(self.columns.len());
        for (i, column) in self.columns.iter().enumerate() {
            let value = cells.get(i).copied().unwrap_or("");
            let inner = (column.width - 2.0 * PAD_X).max(1.0) * PT_PER_MM;
            let cell = match column.align {
                Align::Left => Cell {
                    lines: text::wrap(face, self.size, value, inner, column.max_lines),
                    size: self.size,
                },
                Align::Right => {
                    let (line, size) = fit_amount(face, self.size, value, inner / PT_PER_MM);
                    Cell {
                        lines: vec![line],
                        size,
                    }
                }
            };
            laid.push(cell);
        }
        let lines = laid.iter().map(|c| c.lines.len()).max().unwrap_or(1).max(1);
        let height = PAD_TOP + lines as f32 * Self::line_height(self.size) + PAD_BOTTOM;
        LaidOutRow {
            cells: laid,
            height,
            style,
        }
    }

    /// Draws a laid-out row at `y`; returns the y below it.
    pub(crate) fn row(&self, canvas: &mut Canvas, y: f32, row: &LaidOutRow) -> f32 {
        let face = match row.style {
            RowStyle::Normal => Face::Regular,
            RowStyle::Emphasis => {
                canvas.fill_rect(self.x, y, self.width(), row.height, BAND);
                Face::Bold
            }
        };
        let line_h = Self::line_height(self.size);
        let mut x = self.x;
        for (column, cell) in self.columns.iter().zip(&row.cells) {
            // The first baseline sits one cap height below the padding.
            let mut baseline = y + PAD_TOP + self.size * 0.36;
            for line in &cell.lines {
                match column.align {
                    Align::Left => canvas.text(x + PAD_X, baseline, face, cell.size, INK, line),
                    Align::Right => canvas.text_right(
                        x + column.width - PAD_X,
                        baseline,
                        face,
                        cell.size,
                        INK,
                        line,
                    ),
                }
                baseline += line_h;
            }
            x += column.width;
        }
        let bottom = y + row.height;
        canvas.hline(self.x, self.x + self.width(), bottom, 0.4, RULE);
        bottom
    }

    /// Draws every row, starting new pages (running head, then the header again) whenever
    /// the next row does not fit. Returns the y below the last row.
    pub(crate) fn rows(
        &self,
        canvas: &mut Canvas,
        head: &RunningHead,
        y: f32,
        rows: impl IntoIterator<Item = LaidOutRow>,
    ) -> f32 {
        let mut y = ensure_room(canvas, head, y, self.header_height() + 10.0);
        y = self.header(canvas, y);
        for row in rows {
            if y + row.height > CONTENT_BOTTOM {
                y = head.new_page(canvas);
                y = self.header(canvas, y);
            }
            y = self.row(canvas, y, &row);
        }
        y
    }
}

/// The footer's left text: the seller's name, tax id and e-mail.
pub(crate) fn footer_text(seller: &Seller) -> String {
    let party = &seller.party;
    let mut parts = vec![party.name.clone()];
    if let Some(tax_id) = party.tax_id.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(format!("Tax ID {tax_id}"));
    }
    if let Some(email) = party.email.as_deref().filter(|e| !e.trim().is_empty()) {
        parts.push(email.to_string());
    }
    parts.join("  ·  ")
}
