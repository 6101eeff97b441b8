//! Each test renders a document and reads the PDF back with a PDF parser (lopdf): page
//! count, and the text each page really shows, so "the total is on the invoice" is checked
//! the way a reader would see it, through the compressed content streams and the font's
//! encoding.

use super::*;

fn seller(logo: Option<Vec<u8>>) -> Seller {
    Seller {
        party: Party {
            name: "Northwind Fibre Ltd".into(),
            address_lines: vec![
                "12 Harbour Road".into(),
                "Unit 4, Docklands".into(),
                "D02 XY12 Dublin, Ireland".into(),
            ],
            tax_id: Some("IE1234567T".into()),
            email: Some("billing@northwind.example".into()),
        },
        logo,
        payment_instructions: vec![
            "Bank transfer to Northwind Fibre Ltd, Bank of Ireland".into(),
            "IBAN IE29 AIBK 9311 5212 3456 78   BIC AIBKIE2D".into(),
            "Please quote your invoice number INV-2026-000123 as the payment reference.".into(),
        ],
    }
}

fn buyer() -> Party {
    Party {
        name: "Zoë Müller-Lüdenscheidt".into(),
        address_lines: vec![
            "Apartment 5, 7 Canal Street".into(),
            "D08 K2P3 Dublin".into(),
        ],
        tax_id: None,
        email: Some("zoe@example.org".into()),
    }
}

fn invoice_lines(n: usize) -> Vec<DocLine> {
    (1..=n)
        .map(|i| DocLine {
            description: format!("Line {i:03}: Fibre 500 Mbit/s monthly subscription"),
            period: "2026-03-17 – 2026-03-31".into(),
            quantity: "1".into(),
            unit_price: "29.90".into(),
            amount: "29.90".into(),
            tax_rate: "23%".into(),
        })
        .collect()
}

fn invoice(lines: Vec<DocLine>) -> Document {
    Document {
        kind: DocumentKind::Invoice,
        number: Some("INV-2026-000123".into()),
        status: "issued".into(),
        issue_date: Some("2026-04-01".into()),
        due_date: Some("2026-04-15".into()),
        period: Some("2026-03-01 – 2026-03-31".into()),
        reference: None,
        reason: None,
        currency: "EUR".into(),
        seller: seller(None),
        buyer: buyer(),
        account_number: "ACC-000042".into(),
        lines,
        taxes: vec![TaxRow {
            name: "VAT".into(),
            rate: "23%".into(),
            base: "44.85".into(),
            tax: "10.32".into(),
        }],
        subtotal: "44.85".into(),
        tax_total: "10.32".into(),
        total: "55.17".into(),
        amount_due: Some("55.17".into()),
    }
}

fn sample_invoice() -> Document {
    let mut lines = vec![
        DocLine {
            description: "Fibre 500 Mbit/s (prorated from plan change)".into(),
            period: "2026-03-17 – 2026-03-31".into(),
            quantity: "1".into(),
            unit_price: "29.90".into(),
            amount: "14.95".into(),
            tax_rate: "23%".into(),
        },
        DocLine {
            description: "Static IPv4 address".into(),
            period: "2026-03-01 – 2026-03-31".into(),
            quantity: "1".into(),
            unit_price: "5.00".into(),
            amount: "5.00".into(),
            tax_rate: "23%".into(),
        },
        DocLine {
            description: "Credit for Fibre 100 Mbit/s, unused part of the period after the \
                          plan change on 17 March, including the router rental add-on"
                .into(),
            period: "2026-03-17 – 2026-03-31".into(),
            quantity: "1".into(),
            unit_price: "-10.00".into(),
            amount: "-10.00".into(),
            tax_rate: "23%".into(),
        },
    ];
    lines.push(DocLine {
        description: "Installation fee".into(),
        period: String::new(),
        quantity: "1".into(),
        unit_price: "34.90".into(),
        amount: "34.90".into(),
        tax_rate: "exempt".into(),
    });
    let mut doc = invoice(lines);
    doc.taxes = vec![
        TaxRow {
            name: "VAT".into(),
            rate: "23%".into(),
            base: "9.95".into(),
            tax: "2.29".into(),
        },
        TaxRow {
            name: "VAT exempt".into(),
            rate: "exempt".into(),
            base: "34.90".into(),
            tax: "0.00".into(),
        },
    ];
    doc.subtotal = "44.85".into();
    doc.tax_total = "2.29".into();
    doc.total = "47.14".into();
    doc.amount_due = Some("47.14".into());
    doc
}

fn statement(n: usize) -> Statement {
    let mut balance = 0i64;
    let lines = (1..=n)
        .map(|i| {
            let (debit, credit) = if i % 3 == 0 { (0, 4717) } else { (4717, 0) };
            balance += debit - credit;
            let money = |cents: i64| {
                if cents == 0 {
                    String::new()
                } else {
                    format!("{}.{:02}", cents / 100, cents % 100)
                }
            };
            StatementLine {
                date: format!("2026-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28),
                description: if i % 3 == 0 {
                    format!("Payment received, thank you (movement {i})")
                } else {
                    format!("Invoice for Fibre 500 Mbit/s (movement {i})")
                },
                reference: format!("INV-2026-{i:06}"),
                debit: money(debit),
                credit: money(credit),
                balance: format!("{}.{:02}", balance / 100, balance % 100),
            }
        })
        .collect();
    Statement {
        seller: seller(None),
        buyer: buyer(),
        account_number: "ACC-000042".into(),
        currency: "EUR".into(),
        from: "2026-01-01".into(),
        to: "2026-03-31".into(),
        opening_balance: "0.00".into(),
        closing_balance: format!("{}.{:02}", balance / 100, balance % 100),
        lines,
    }
}

/// A small PNG logo: a dark blue bar with a lighter square, on transparency.
fn tiny_png() -> Vec<u8> {
    let (w, h) = (120u32, 40u32);
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let px: [u8; 4] = if (4..36).contains(&x) && (4..36).contains(&y) {
                [0x3b, 0x82, 0xf6, 255]
            } else if (40..116).contains(&x) && (14..26).contains(&y) {
                [0x1e, 0x3a, 0x5f, 255]
            } else {
                [0, 0, 0, 0]
            };
            pixels.extend_from_slice(&px);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(&pixels).expect("png data");
    }
    out
}

/// The PDF as a reader sees it: one string of text per page.
struct Read {
    pages: Vec<String>,
    images: usize,
}

impl Read {
    fn all(&self) -> String {
        self.pages.join("\n")
    }
}

fn read(bytes: &[u8]) -> Read {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let pdf = lopdf::Document::load_mem(bytes).expect("a PDF lopdf can parse");
    let numbers: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let pages = numbers
        .iter()
        .map(|&n| pdf.extract_text(&[n]).expect("page text"))
        .collect();
    // Image XObjects, less the soft masks that carry a PNG's transparency.
    let image_ids: Vec<lopdf::ObjectId> = pdf
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream()
                .ok()
                .and_then(|s| s.dict.get(b"Subtype").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"Image".as_slice())
        })
        .map(|(id, _)| *id)
        .collect();
    let masks: Vec<lopdf::ObjectId> = image_ids
        .iter()
        .filter_map(|id| pdf.get_object(*id).ok()?.as_stream().ok())
        .filter_map(|s| s.dict.get(b"SMask").ok()?.as_reference().ok())
        .collect();
    let images = image_ids.iter().filter(|id| !masks.contains(id)).count();
    Read { pages, images }
}

/// Text without the line breaks and spacing a text extractor may put between fragments.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_shows(read: &Read, needle: &str) {
    assert!(
        squeeze(&read.all()).contains(&squeeze(needle)),
        "{needle:?} not in the PDF text:\n{}",
        read.all()
    );
}

#[test]
fn an_invoice_shows_its_number_customer_and_totals_on_one_page() {
    let read = read(&render_document(&sample_invoice()).expect("renders"));

    assert_eq!(read.pages.len(), 1);
    assert_shows(&read, "INVOICE");
    assert_shows(&read, "INV-2026-000123");
    assert_shows(&read, "Zoë Müller-Lüdenscheidt");
    assert_shows(&read, "ACC-000042");
    assert_shows(&read, "Total (EUR)");
    assert_shows(&read, "47.14");
    assert_shows(&read, "Amount due (EUR)");
    assert_shows(&read, "2026-03-17 – 2026-03-31");
    assert_shows(&read, "IBAN IE29 AIBK 9311 5212 3456 78");
    assert_shows(&read, "Tax ID IE1234567T");
    assert_shows(&read, "Page 1 / 1");
    assert!(!read.all().contains("DRAFT"));
    assert_eq!(read.images, 0);
}

#[test]
fn a_credit_note_names_the_invoice_it_credits_and_why() {
    let mut doc = sample_invoice();
    doc.kind = DocumentKind::CreditNote;
    doc.number = Some("CN-2026-000007".into());
    doc.reference = Some("Credits invoice INV-2026-000123".into());
    doc.reason = Some("Service outage from 3 to 5 March".into());
    doc.amount_due = None;
    doc.total = "-47.14".into();

    let read = read(&render_document(&doc).expect("renders"));

    assert_eq!(read.pages.len(), 1);
    assert_shows(&read, "CREDIT NOTE");
    assert_shows(&read, "CN-2026-000007");
    assert_shows(&read, "Credits invoice INV-2026-000123");
    assert_shows(&read, "Service outage from 3 to 5 March");
    assert_shows(&read, "-47.14");
    // Payment instructions belong on invoices only.
    assert!(!read.all().contains("IBAN"));
}

#[test]
fn a_draft_has_no_number_and_says_draft_on_every_page() {
    let mut doc = invoice(invoice_lines(60));
    doc.number = None;
    doc.status = "draft".into();

    let read = read(&render_document(&doc).expect("renders"));

    assert!(read.pages.len() > 1);
    for page in &read.pages {
        assert!(
            page.contains("DRAFT"),
            "a page without the watermark: {page}"
        );
    }
    assert_shows(&read, "not a valid invoice");
    assert_shows(&read, "Invoice no. DRAFT");
    assert!(!read.all().contains("No. INV-2026-000123"));
}

#[test]
fn a_void_invoice_carries_the_void_banner_and_reason() {
    let mut doc = sample_invoice();
    doc.status = "void".into();
    doc.reason = Some("Issued to the wrong account".into());

    let read = read(&render_document(&doc).expect("renders"));

    assert_shows(&read, "VOID");
    assert_shows(&read, "Issued to the wrong account");
    assert!(!read.all().contains("IBAN"));
    assert!(!read.all().contains("Amount due"));
}

#[test]
fn a_200_line_invoice_paginates_with_the_header_on_every_page() {
    let read = read(&render_document(&invoice(invoice_lines(200))).expect("renders"));

    // Each description wraps to two lines (an 11 mm row): page one holds 15 rows under the
    // letterhead, later pages 22 each, so 15 + 8 × 22 = 191 < 200 ≤ 15 + 9 × 22.
    let pages = read.pages.len();
    assert_eq!(pages, 10, "page count");
    for (i, page) in read.pages.iter().enumerate() {
        assert!(
            page.contains("Description"),
            "no table header on page {}",
            i + 1
        );
        assert!(
            squeeze(page).contains(&squeeze(&format!("Page {} / {pages}", i + 1))),
            "no page number on page {}",
            i + 1
        );
    }
    for page in &read.pages[1..] {
        assert!(squeeze(page).contains("INV-2026-000123(continued)"));
    }
    let text = squeeze(&read.all());
    for i in 1..=200 {
        let needle = squeeze(&format!("Line {i:03}:"));
        assert_eq!(
            text.matches(&needle).count(),
            1,
            "line {i} not exactly once"
        );
    }
    assert!(squeeze(read.pages.last().unwrap()).contains("55.17"));
}

#[test]
fn a_statement_lists_movements_between_opening_and_closing_balances() {
    let st = statement(12);
    let read = read(&render_statement(&st).expect("renders"));

    assert_eq!(read.pages.len(), 1);
    assert_shows(&read, "STATEMENT OF ACCOUNT");
    assert_shows(&read, "Zoë Müller-Lüdenscheidt");
    assert_shows(&read, "Opening balance");
    assert_shows(&read, "INV-2026-000012");
    assert_shows(
        &read,
        &format!("Closing balance (EUR) {}", st.closing_balance),
    );
}

#[test]
fn a_200_line_statement_paginates_with_the_header_on_every_page() {
    let st = statement(200);
    let read = read(&render_statement(&st).expect("renders"));

    // 202 one-line rows (opening, 200 movements, closing) of 7 mm: 23 on page one, 35 on
    // each later page, so 23 + 5 × 35 = 198 < 202 ≤ 23 + 6 × 35.
    let pages = read.pages.len();
    assert_eq!(pages, 7, "page count");
    for (i, page) in read.pages.iter().enumerate() {
        assert!(
            page.contains("Balance"),
            "no table header on page {}",
            i + 1
        );
        assert!(squeeze(page).contains(&squeeze(&format!("Page {} / {pages}", i + 1))));
    }
    let text = squeeze(&read.all());
    for i in 1..=200 {
        assert!(
            text.contains(&format!("(movement{i})")),
            "movement {i} missing"
        );
    }
    assert!(squeeze(read.pages.last().unwrap()).contains(&st.closing_balance));
}

#[test]
fn a_logo_is_embedded_as_an_image() {
    let mut doc = sample_invoice();
    doc.seller.logo = Some(tiny_png());
    let read_invoice = read(&render_document(&doc).expect("renders"));
    assert_eq!(read_invoice.images, 1);
    assert_shows(&read_invoice, "INV-2026-000123");

    let mut st = statement(3);
    st.seller.logo = Some(tiny_png());
    assert_eq!(read(&render_statement(&st).expect("renders")).images, 1);
}

#[test]
fn a_logo_that_is_not_an_image_is_an_error() {
    let mut doc = sample_invoice();
    doc.seller.logo = Some(b"definitely not a PNG".to_vec());
    assert!(matches!(render_document(&doc), Err(PdfError::Logo(_))));

    // A PNG signature followed by garbage must fail in the decoder, not panic in it.
    let mut truncated = tiny_png();
    truncated.truncate(40);
    doc.seller.logo = Some(truncated);
    assert!(matches!(render_document(&doc), Err(PdfError::Logo(_))));

    let mut st = statement(1);
    st.seller.logo = Some(vec![0xff, 0xd8, 0xff, 0x00]);
    assert!(matches!(render_statement(&st), Err(PdfError::Logo(_))));
}

#[test]
fn text_the_fonts_cannot_show_becomes_question_marks() {
    let mut doc = sample_invoice();
    doc.buyer.name = "Иван Петров 李".into();
    doc.lines[0].description = "Ενοίκιο ρούτερ 📶".into();

    let read = read(&render_document(&doc).expect("renders"));

    assert_shows(&read, "????? ?????? ?");
    assert_shows(&read, "INV-2026-000123");
}

#[test]
fn empty_and_oversized_values_render_without_panicking() {
    let empty = Document {
        kind: DocumentKind::Invoice,
        number: Some(String::new()),
        status: String::new(),
        issue_date: None,
        due_date: None,
        period: None,
        reference: None,
        reason: None,
        currency: String::new(),
        seller: Seller::default(),
        buyer: Party::default(),
        account_number: String::new(),
        lines: Vec::new(),
        taxes: Vec::new(),
        subtotal: String::new(),
        tax_total: String::new(),
        total: String::new(),
        amount_due: None,
    };
    assert_eq!(
        read(&render_document(&empty).expect("renders")).pages.len(),
        1
    );

    let huge = "W".repeat(50_000);
    let mut doc = sample_invoice();
    doc.seller.party.name = huge.clone();
    doc.seller.party.address_lines = vec![huge.clone(); 40];
    doc.seller.payment_instructions = vec![huge.clone(); 40];
    doc.buyer.name = huge.clone();
    doc.reference = Some(huge.clone());
    doc.reason = Some(format!("{huge} {huge}"));
    doc.lines[0].description = format!("{huge} and more words after it");
    doc.lines[0].amount = "9".repeat(200);
    doc.taxes = (0..120)
        .map(|i| TaxRow {
            name: format!("Tax {i}"),
            rate: "1%".into(),
            base: "1.00".into(),
            tax: "0.01".into(),
        })
        .collect();
    doc.total = "\u{0}\n\t-1.00\u{7f}".into();
    let read = read(&render_document(&doc).expect("renders"));
    assert!(read.pages.len() > 1);
    assert_shows(&read, "Tax 119");

    let mut st = statement(0);
    st.from = huge.clone();
    st.lines = vec![StatementLine {
        date: huge.clone(),
        description: huge.clone(),
        reference: huge.clone(),
        debit: huge.clone(),
        credit: huge.clone(),
        balance: huge,
    }];
    assert!(render_statement(&st).is_ok());
}
