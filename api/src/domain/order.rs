//! Orders: how a line is priced, how an order adds up, and which status may follow which.
//!
//! Pricing rules, per line (all amounts in the order's currency):
//! - gross monthly = unit monthly price × quantity; one-time = unit one-time price × quantity.
//! - A promotion discounts the monthly charge only: a percentage of the gross monthly, or a
//!   fixed amount per unit capped at the unit price, so a line is never negative.
//! - Tax comes after discounts: the line's rate applied to the line amount as it is shown
//!   (already rounded), because the tax on an invoice is computed on the invoiced amount.
//!   Tax-exempt customers pay no tax (the rate applied is 0).
//! - Each line amount and each tax is rounded once, to the currency's minor unit, with the
//!   rule of `money::round_to_minor_unit` (half away from zero).
//! - Order totals are sums of the rounded line figures, so the order adds up to the cent;
//!   the first invoice is the one-time total plus the first month's total.
//!
//! Workflow: draft → submitted (transient, while the credit check runs) → approved or
//! pending_approval; pending_approval → approved | rejected; draft, submitted,
//! pending_approval and approved → cancelled; approved → provisioning → completed.
//! Every other move is refused and names its from and to.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::money::{round_to_minor_unit, Currency};

/// A promotion as it applies to the monthly charge of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    /// A percentage (0–100] of the gross monthly charge.
    Percent(Decimal),
    /// An amount per unit and month, capped at the unit price.
    AmountPerUnit(Decimal),
}

/// What a line is priced from: prices frozen from the catalog, quantity, promotion, tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    pub unit_monthly: Decimal,
    pub unit_one_time: Decimal,
    pub quantity: u32,
    pub discount: Option<Discount>,
    /// Percent, e.g. 8.25.
    pub tax_rate: Decimal,
    /// One-time and monthly amounts of this line are taxed (deposits are not).
    pub taxable: bool,
}

/// A priced line: each figure already rounded to the minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePrice {
    /// The monthly discount of the whole line (all units).
    pub discount_monthly: Decimal,
    /// The tax rate applied: 0 for exempt customers and untaxed lines.
    pub tax_rate: Decimal,
    pub monthly_amount: Decimal,
    pub monthly_tax: Decimal,
    pub one_time_amount: Decimal,
    pub one_time_tax: Decimal,
}

pub fn price_line(line: &LineInput, currency: Currency, tax_exempt: bool) -> LinePrice {
    let quantity = Decimal::from(line.quantity);
    let gross_monthly = line.unit_monthly * quantity;
    let discount = match line.discount {
        None => Decimal::ZERO,
        Some(Discount::Percent(pct)) => {
            gross_monthly * pct.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED) / Decimal::ONE_HUNDRED
        }
        Some(Discount::AmountPerUnit(amount)) => {
            amount.clamp(Decimal::ZERO, line.unit_monthly) * quantity
        }
    };
    let monthly_amount = round_to_minor_unit(gross_monthly - discount, currency);
    let one_time_amount = round_to_minor_unit(line.unit_one_time * quantity, currency);
    let tax_rate = if tax_exempt || !line.taxable {
        Decimal::ZERO
    } else {
        line.tax_rate
    };
    let tax =
        |amount: Decimal| round_to_minor_unit(amount * tax_rate / Decimal::ONE_HUNDRED, currency);
    LinePrice {
        discount_monthly: round_to_minor_unit(gross_monthly, currency) - monthly_amount,
        tax_rate,
        monthly_amount,
        monthly_tax: tax(monthly_amount),
        one_time_amount,
        one_time_tax: tax(one_time_amount),
    }
}

/// The totals of an order: sums of its rounded lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub one_time_subtotal: Decimal,
    pub one_time_tax: Decimal,
    pub monthly_subtotal: Decimal,
    pub monthly_tax: Decimal,
}

impl Totals {
    pub fn of<'a>(lines: impl IntoIterator<Item = &'a LinePrice>) -> Totals {
        lines.into_iter().fold(Totals::default(), |t, l| Totals {
            one_time_subtotal: t.one_time_subtotal + l.one_time_amount,
            one_time_tax: t.one_time_tax + l.one_time_tax,
            monthly_subtotal: t.monthly_subtotal + l.monthly_amount,
            monthly_tax: t.monthly_tax + l.monthly_tax,
        })
    }

    pub fn one_time_total(&self) -> Decimal {
        self.one_time_subtotal + self.one_time_tax
    }

    pub fn monthly_total(&self) -> Decimal {
        self.monthly_subtotal + self.monthly_tax
    }

    /// What the first invoice will ask: the one-time charges and the first month.
    pub fn first_invoice_total(&self) -> Decimal {
        self.one_time_total() + self.monthly_total()
    }
}

/// The customer's standing for the credit check, from their ledger entries
/// `(amount, due_on)`: the balance is the sum of all entries; the overdue part is what is
/// left of the debits past their due date once every credit (payment, credit note) is
/// applied oldest-first, i.e. the balance minus the debits not yet due, never below 0.
pub fn standing(entries: &[(Decimal, Option<NaiveDate>)], today: NaiveDate) -> (Decimal, Decimal) {
    let balance: Decimal = entries.iter().map(|(amount, _)| *amount).sum();
    let not_yet_due: Decimal = entries
        .iter()
        .filter(|(amount, due)| *amount > Decimal::ZERO && due.is_none_or(|d| d >= today))
        .map(|(amount, _)| *amount)
        .sum();
    let overdue = (balance - not_yet_due).max(Decimal::ZERO);
    (balance, overdue)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Submitted,
    PendingApproval,
    Approved,
    Rejected,
    Provisioning,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Submitted,
        Status::PendingApproval,
        Status::Approved,
        Status::Rejected,
        Status::Provisioning,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::PendingApproval => "pending_approval",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Provisioning => "provisioning",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Lines can be added, changed and removed only on a draft.
    pub fn is_editable(self) -> bool {
        self == Status::Draft
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: Status,
    pub to: Status,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an order cannot go from {} to {}", self.from, self.to)
    }
}

/// Whether an order may move from `from` to `to`.
pub fn transition(from: Status, to: Status) -> Result<Status, InvalidTransition> {
    use Status::*;
    let allowed = matches!(
        (from, to),
        (Draft, Submitted)
            | (Submitted, Approved)
            | (Submitted, PendingApproval)
            | (PendingApproval, Approved)
            | (PendingApproval, Rejected)
            | (Draft | Submitted | PendingApproval | Approved, Cancelled)
            | (Approved, Provisioning)
            | (Provisioning, Completed)
    );
    if allowed {
        Ok(to)
    } else {
        Err(InvalidTransition { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn plan(monthly: &str, quantity: u32) -> LineInput {
        LineInput {
            unit_monthly: d(monthly),
            unit_one_time: Decimal::ZERO,
            quantity,
            discount: None,
            tax_rate: d("8.25"),
            taxable: true,
        }
    }

    #[test]
    fn a_plain_line_is_price_times_quantity_with_tax_on_top() {
        let p = price_line(&plan("29.00", 2), usd(), false);
        assert_eq!(p.monthly_amount, d("58.00"));
        // 58.00 × 8.25% = 4.785 → 4.79 (half away from zero)
        assert_eq!(p.monthly_tax, d("4.79"));
        assert_eq!(p.discount_monthly, d("0"));
        assert_eq!(p.one_time_amount, d("0"));
    }

    #[test]
    fn percent_promotions_discount_the_monthly_charge_before_tax() {
        let mut line = plan("39.00", 1);
        line.unit_one_time = d("49.00");
        line.discount = Some(Discount::Percent(d("50")));
        let p = price_line(&line, usd(), false);
        assert_eq!(p.monthly_amount, d("19.50"));
        assert_eq!(p.discount_monthly, d("19.50"));
        // 19.50 × 8.25% = 1.60875 → 1.61
        assert_eq!(p.monthly_tax, d("1.61"));
        // One-time charges are not discounted, but taxed.
        assert_eq!(p.one_time_amount, d("49.00"));
        assert_eq!(p.one_time_tax, d("4.04"));
    }

    #[test]
    fn the_discounted_amount_is_rounded_once() {
        // 3 × 9.99 = 29.97; a third off = 19.98 exactly; 33.333% off = 19.980999 → 19.98
        let mut line = plan("9.99", 3);
        line.discount = Some(Discount::Percent(d("33.333")));
        let p = price_line(&line, usd(), false);
        assert_eq!(p.monthly_amount, d("19.98"));
        assert_eq!(p.discount_monthly, d("9.99"));
    }

    #[test]
    fn amount_promotions_are_per_unit_and_capped_at_the_price() {
        let mut line = plan("5.00", 3);
        line.discount = Some(Discount::AmountPerUnit(d("2.00")));
        assert_eq!(price_line(&line, usd(), false).monthly_amount, d("9.00"));
        line.discount = Some(Discount::AmountPerUnit(d("7.00")));
        let p = price_line(&line, usd(), false);
        assert_eq!(p.monthly_amount, d("0.00"), "never negative");
        assert_eq!(p.discount_monthly, d("15.00"));
        assert_eq!(p.monthly_tax, d("0.00"));
        line.discount = Some(Discount::Percent(d("150")));
        assert_eq!(price_line(&line, usd(), false).monthly_amount, d("0.00"));
    }

    #[test]
    fn exempt_customers_and_untaxed_lines_pay_no_tax() {
        let p = price_line(&plan("29.00", 1), usd(), true);
        assert_eq!((p.monthly_tax, p.tax_rate), (d("0"), d("0")));
        let deposit = LineInput {
            unit_one_time: d("100"),
            taxable: false,
            ..plan("0", 1)
        };
        let p = price_line(&deposit, usd(), false);
        assert_eq!((p.one_time_amount, p.one_time_tax), (d("100"), d("0")));
    }

    #[test]
    fn currencies_round_to_their_own_minor_unit() {
        let jpy = Currency::parse("JPY").unwrap();
        let mut line = plan("1999", 1);
        line.tax_rate = d("10");
        line.discount = Some(Discount::Percent(d("25")));
        let p = price_line(&line, jpy, false);
        // 1999 × 0.75 = 1499.25 → 1499; tax 149.9 → 150
        assert_eq!((p.monthly_amount, p.monthly_tax), (d("1499"), d("150")));
    }

    #[test]
    fn totals_are_sums_of_rounded_lines() {
        // Three lines of 0.333 tax each would be 0.999 → 1.00 if summed first; rounded per
        // line they are 0.33 each and the order says 0.99, as its lines do.
        let mut line = plan("3.33", 1);
        line.tax_rate = d("10");
        let p = price_line(&line, usd(), false);
        assert_eq!(p.monthly_tax, d("0.33"));
        let mut one_time = plan("0", 1);
        one_time.unit_one_time = d("99.00");
        let o = price_line(&one_time, usd(), false);
        let t = Totals::of([&p, &p, &p, &o]);
        assert_eq!(t.monthly_subtotal, d("9.99"));
        assert_eq!(t.monthly_tax, d("0.99"));
        assert_eq!(t.one_time_subtotal, d("99.00"));
        // 99.00 × 8.25% = 8.1675 → 8.17
        assert_eq!(t.one_time_tax, d("8.17"));
        assert_eq!(t.monthly_total(), d("10.98"));
        assert_eq!(t.one_time_total(), d("107.17"));
        assert_eq!(t.first_invoice_total(), d("118.15"));
        assert_eq!(Totals::of([]), Totals::default());
    }

    #[test]
    fn overdue_is_what_credits_leave_of_debits_past_due() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 2, 1);
        let future = NaiveDate::from_ymd_opt(2026, 3, 20);
        assert_eq!(standing(&[], today), (d("0"), d("0")));
        // An unpaid invoice past its due date is overdue.
        assert_eq!(standing(&[(d("45"), past)], today), (d("45"), d("45")));
        // Paid, it is not.
        assert_eq!(
            standing(&[(d("45"), past), (d("-45"), None)], today),
            (d("0"), d("0"))
        );
        // A partial payment settles the oldest debt first; the invoice not yet due is not overdue.
        assert_eq!(
            standing(
                &[(d("45"), past), (d("30"), future), (d("-20"), None)],
                today
            ),
            (d("55"), d("25"))
        );
        // Due today is not yet overdue.
        assert_eq!(
            standing(&[(d("10"), Some(today))], today),
            (d("10"), d("0"))
        );
        // Credit on account.
        assert_eq!(standing(&[(d("-15"), None)], today), (d("-15"), d("0")));
    }

    #[test]
    fn the_transition_table_is_exactly_the_workflow() {
        use Status::*;
        let allowed = [
            (Draft, Submitted),
            (Draft, Cancelled),
            (Submitted, Approved),
            (Submitted, PendingApproval),
            (Submitted, Cancelled),
            (PendingApproval, Approved),
            (PendingApproval, Rejected),
            (PendingApproval, Cancelled),
            (Approved, Cancelled),
            (Approved, Provisioning),
            (Provisioning, Completed),
        ];
        let mut checked = 0;
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = allowed.contains(&(from, to));
                let got = transition(from, to);
                assert_eq!(got.is_ok(), expected, "{from} → {to}");
                if let Err(e) = got {
                    assert_eq!(e, InvalidTransition { from, to });
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 64);
        // Terminal states lead nowhere.
        for terminal in [Rejected, Completed, Cancelled] {
            assert!(Status::ALL
                .iter()
                .all(|to| transition(terminal, *to).is_err()));
        }
        assert_eq!(
            transition(Approved, Draft).unwrap_err().to_string(),
            "an order cannot go from approved to draft"
        );
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("shipped"), None);
        assert!(Status::Draft.is_editable());
        assert!(!Status::PendingApproval.is_editable());
    }
}
