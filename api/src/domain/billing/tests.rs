use super::*;
use chrono::Duration;
use proptest::prelude::*;
use std::str::FromStr;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn eur() -> Currency {
    Currency::parse("EUR").unwrap()
}

fn terms(anchor: u32, monthly: &str, from: NaiveDate) -> Terms {
    Terms {
        subscription_id: 7,
        description: "Fiber 100".into(),
        anchor_day: anchor,
        monthly: dec(monthly),
        discount: Decimal::ZERO,
        promo_cycles_left: None,
        tax_category: "standard".into(),
        billed_through: Some(from),
        usage_from: Some(period_start(anchor, from)),
        usage_due_on: Some(next_period_start(anchor, from)),
        ended_on: None,
        cap_gb: None,
        overage_per_gb: None,
        usage_billed_octets: 0,
    }
}

fn vat() -> TaxTable {
    TaxTable::new(vec![
        TaxRate {
            zone: "AT".into(),
            category: "standard".into(),
            name: "VAT 20%".into(),
            rate: dec("20"),
            valid_from: d(2020, 1, 1),
            valid_to: Some(d(2026, 7, 1)),
        },
        TaxRate {
            zone: "AT".into(),
            category: "standard".into(),
            name: "VAT 19%".into(),
            rate: dec("19"),
            valid_from: d(2026, 7, 1),
            valid_to: None,
        },
    ])
}

#[test]
fn a_start_on_the_17th_pays_the_rest_of_the_month_then_whole_months_in_advance() {
    // Calendar cycle on the 1st; service from 17 March: 15 of March's 31 days.
    let t = terms(1, "31.00", d(2026, 3, 17));
    let r = rate(&t, &[], d(2026, 3, 17));
    assert_eq!(r.charges.len(), 1);
    assert_eq!(r.charges[0].amount, dec("15"));
    assert_eq!(r.charges[0].period, Some((d(2026, 3, 17), d(2026, 4, 1))));
    assert_eq!(r.billed_through, Some(d(2026, 4, 1)));
    // Nothing more until April starts; then April in advance.
    let t2 = Terms {
        billed_through: r.billed_through,
        ..t.clone()
    };
    assert!(rate(&t2, &[], d(2026, 3, 31)).charges.is_empty());
    let april = rate(&t2, &[], d(2026, 4, 1));
    assert_eq!(april.charges[0].amount, dec("31.00"));
    assert_eq!(april.charges[0].quantity, Decimal::ONE);
    // A first run late catches up both periods on one invoice.
    let late = rate(&t, &[], d(2026, 4, 1));
    assert_eq!(late.charges.len(), 2);
    assert_eq!(late.billed_through, Some(d(2026, 5, 1)));
}

#[test]
fn an_anniversary_on_the_31st_follows_the_last_day_of_short_months() {
    let t = terms(31, "30.00", d(2026, 1, 31));
    let r = rate(&t, &[], d(2026, 3, 1));
    let periods: Vec<_> = r.charges.iter().map(|c| c.period.unwrap()).collect();
    assert_eq!(
        periods,
        vec![
            (d(2026, 1, 31), d(2026, 2, 28)),
            (d(2026, 2, 28), d(2026, 3, 31))
        ]
    );
    assert!(r.charges.iter().all(|c| c.amount == dec("30.00")));
}

#[test]
fn a_promotion_discounts_n_full_periods_and_the_partial_first_one_for_free() {
    let mut t = terms(1, "40.00", d(2026, 3, 17));
    t.discount = dec("10.00");
    t.promo_cycles_left = Some(2);
    let r = rate(&t, &[], d(2026, 6, 1));
    let discounts: Vec<_> = r
        .charges
        .iter()
        .filter(|c| c.kind == LineKind::Discount)
        .map(|c| c.amount)
        .collect();
    // March (15/31 of 10), April, May; June is full price.
    assert_eq!(discounts.len(), 3);
    assert_eq!(discounts[1], dec("-10.00"));
    assert_eq!(r.promo_cycles_left, Some(0));
    assert_eq!(r.charges.len(), 4 + 3);
}

#[test]
fn usage_over_the_cap_is_billed_in_arrears_per_started_gb() {
    let mut t = terms(1, "30.00", d(2026, 4, 1));
    t.cap_gb = Some(100);
    t.overage_per_gb = Some(dec("0.50"));
    // 100 GB + 1 byte over: one GB billed; April's usage is billed on 1 May.
    let usage = [(d(2026, 4, 1), 100 * BYTES_PER_GB + 1)];
    assert!(rate(&t, &usage, d(2026, 4, 30))
        .charges
        .iter()
        .all(|c| c.kind != LineKind::Usage));
    let r = rate(&t, &usage, d(2026, 5, 1));
    let over: Vec<_> = r
        .charges
        .iter()
        .filter(|c| c.kind == LineKind::Usage)
        .collect();
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].quantity, dec("1"));
    assert_eq!(over[0].amount, dec("0.50"));
    assert_eq!(r.usage_from, Some(d(2026, 5, 1)));
    assert_eq!(r.usage_due_on, Some(d(2026, 6, 1)));
    // 12.3 GB over: 13 GB.
    let usage = [(d(2026, 4, 1), 112_300_000_000)];
    let r = rate(&t, &usage, d(2026, 5, 1));
    assert!(r
        .charges
        .iter()
        .any(|c| c.kind == LineKind::Usage && c.amount == dec("6.50")));
}

#[test]
fn an_ended_subscription_bills_its_last_usage_period_and_stops() {
    let mut t = terms(1, "30.00", d(2026, 4, 1));
    t.billed_through = None;
    t.ended_on = Some(d(2026, 4, 10));
    let r = rate(&t, &[], d(2026, 5, 1));
    assert_eq!(r.usage_due_on, None);
    assert!(r.charges.is_empty());
}

#[test]
fn an_upgrade_on_the_3rd_credits_the_old_plan_and_charges_the_new_for_the_same_days() {
    // April billed in advance at 30; upgrade to 60 on 3 April: 28 of 30 days.
    let old = Rate {
        monthly: dec("30"),
        discount: Decimal::ZERO,
    };
    let new = Rate {
        monthly: dec("60"),
        discount: Decimal::ZERO,
    };
    let (adj, through) = settle(1, d(2026, 5, 1), d(2026, 4, 3), old, new, "Upgrade");
    assert_eq!(through, d(2026, 5, 1));
    let amounts: Vec<_> = adj.iter().map(|a| a.amount).collect();
    assert_eq!(amounts, vec![dec("-28"), dec("56")]);
    assert!(adj
        .iter()
        .all(|a| a.from == d(2026, 4, 3) && a.to == d(2026, 5, 1)));
}

#[test]
fn a_change_before_the_first_invoice_charges_the_old_days_and_moves_billing_on() {
    let old = Rate {
        monthly: dec("31"),
        discount: dec("3.1"),
    };
    let (adj, through) = settle(
        1,
        d(2026, 3, 17),
        d(2026, 3, 20),
        old,
        Rate::NONE,
        "Upgrade",
    );
    assert_eq!(through, d(2026, 3, 20));
    // 3 days of 31.00 less 3 days of the 3.10 promotion, one line.
    assert_eq!(adj.len(), 1);
    assert_eq!(adj[0].amount, dec("2.7"));
    assert_eq!(adj[0].rule["discount"], "3.1");
}

#[test]
fn lines_round_once_and_tax_follows_the_rate_of_the_lines_day() {
    let charges = vec![
        Charge {
            kind: LineKind::Recurring,
            subscription_id: Some(1),
            description: "a".into(),
            period: None,
            quantity: Decimal::ONE,
            unit_price: dec("10.005"),
            amount: dec("10.005"),
            tax_category: "standard".into(),
            tax_date: d(2026, 6, 30),
            rule: Value::Null,
        },
        Charge {
            kind: LineKind::Recurring,
            subscription_id: Some(1),
            description: "b".into(),
            period: None,
            quantity: Decimal::ONE,
            unit_price: dec("10.005"),
            amount: dec("10.005"),
            tax_category: "standard".into(),
            tax_date: d(2026, 7, 1),
            rule: Value::Null,
        },
    ];
    let payer = TaxPayer {
        zone: "AT",
        exempt: false,
    };
    let lines = to_lines(charges.clone(), payer, &vat(), eur());
    assert_eq!(lines[0].amount, dec("10.01"));
    assert_eq!(lines[0].tax_amount, dec("2.00")); // 20% of 10.01 = 2.002
    assert_eq!(lines[1].tax_amount, dec("1.90")); // 19% of 10.01 = 1.9019
    let t = line_totals(&lines);
    assert_eq!(t.subtotal, dec("20.02"));
    assert_eq!(t.tax_total, dec("3.90"));
    assert_eq!(t.total, dec("23.92"));
    assert_eq!(t.by_rate.len(), 2);
    let exempt = to_lines(
        charges,
        TaxPayer {
            zone: "AT",
            exempt: true,
        },
        &vat(),
        eur(),
    );
    assert!(exempt
        .iter()
        .all(|l| l.tax_amount.is_zero() && l.tax_name == "Exempt"));
}

#[test]
fn credits_wait_when_they_would_make_the_invoice_negative() {
    assert_eq!(
        take_credits(dec("10"), &[dec("-4"), dec("-7"), dec("-6")]),
        vec![true, false, true]
    );
    assert_eq!(
        take_credits(Decimal::ZERO, &[dec("-1"), dec("5")]),
        vec![true, true]
    );
    assert_eq!(take_credits(Decimal::ZERO, &[dec("-1")]), vec![false]);
}

#[test]
fn a_credit_by_amount_spreads_over_the_rates_and_adds_up_exactly() {
    // 60 left at 20%, 40 left at 0%: a 10.00 credit is 6.00 (5.00 + 1.00 tax) and 4.00.
    let shares = allocate_credit(
        dec("10.00"),
        &[(dec("20"), dec("60")), (dec("0"), dec("40"))],
        eur(),
    )
    .unwrap();
    assert_eq!(
        shares,
        vec![(dec("5.00"), dec("1.00")), (dec("4.00"), dec("0.00"))]
    );
    let odd = allocate_credit(
        dec("0.03"),
        &[
            (dec("20"), dec("1")),
            (dec("20"), dec("1")),
            (dec("20"), dec("1")),
        ],
        eur(),
    )
    .unwrap();
    assert_eq!(odd.iter().map(|(n, t)| n + t).sum::<Decimal>(), dec("0.03"));
    assert!(allocate_credit(dec("100.01"), &[(dec("20"), dec("100"))], eur()).is_none());
    assert!(allocate_credit(Decimal::ZERO, &[(dec("20"), dec("100"))], eur()).is_none());
}

#[test]
fn each_rule_is_explained_in_words() {
    let t = terms(1, "31.00", d(2026, 3, 17));
    let r = rate(&t, &[], d(2026, 3, 17));
    let why = explain(&r.charges[0].rule, "EUR");
    assert_eq!(why, "The service started during the period: the monthly price 31.00 EUR × 15 / 31 for 15 of the period's 31 days (2026-03-17 – 2026-03-31).");
    let mut t = terms(1, "30.00", d(2026, 4, 1));
    t.cap_gb = Some(100);
    t.overage_per_gb = Some(dec("0.50"));
    let r = rate(&t, &[(d(2026, 4, 1), 112_300_000_000)], d(2026, 5, 1));
    let usage = r
        .charges
        .iter()
        .find(|c| c.kind == LineKind::Usage)
        .unwrap();
    assert_eq!(explain(&usage.rule, "EUR"), "Used 112.3 GB in 2026-04-01 – 2026-04-30 against a 100 GB cap: 12.3 GB over, billed as 13 GB (every GB or part of one) at 0.50 EUR per GB.");
    let old = Rate {
        monthly: dec("30"),
        discount: Decimal::ZERO,
    };
    let new = Rate {
        monthly: dec("60"),
        discount: Decimal::ZERO,
    };
    let (adj, _) = settle(1, d(2026, 5, 1), d(2026, 4, 3), old, new, "Upgrade");
    assert_eq!(explain(&adj[0].rule, "EUR"), "Credit: the old monthly price 30.00 EUR for the days already billed and not used: 28 of the period's 30 days (2026-04-03 – 2026-04-30).");
}

proptest! {
    /// A credit by amount adds up to the amount asked for, never more than is left per rate.
    #[test]
    fn a_credit_by_amount_adds_up(
        cents in 1i64..100_000,
        groups in prop::collection::vec((0u32..=25, 1i64..100_000), 1..4),
    ) {
        let groups: Vec<(Decimal, Decimal)> = groups.iter().map(|(r, left)| (Decimal::from(*r), Decimal::new(*left, 2))).collect();
        let left: Decimal = groups.iter().map(|g| g.1).sum();
        let gross = Decimal::new(cents, 2);
        match allocate_credit(gross, &groups, eur()) {
            None => prop_assert!(gross > left),
            Some(shares) => {
                prop_assert_eq!(shares.iter().map(|(n, t)| n + t).sum::<Decimal>(), gross);
                for (n, t) in &shares {
                    prop_assert_eq!(*n, n.round_dp(2));
                    prop_assert_eq!(*t, t.round_dp(2));
                }
            }
        }
    }
}

// Properties ------------------------------------------------------------------------------

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0i64..3000).prop_map(|n| d(2024, 1, 1) + Duration::days(n))
}

fn any_price() -> impl Strategy<Value = Decimal> {
    (0i64..5_000_000, 0u32..=4).prop_map(|(units, scale)| Decimal::new(units, scale))
}

proptest! {
    /// Runs on random increasing days bill every day from the start exactly once: the
    /// recurring periods follow each other without gap or overlap.
    #[test]
    fn a_period_is_never_billed_twice_nor_skipped(
        anchor in 1u32..=31,
        start in any_day(),
        steps in prop::collection::vec(0i64..80, 1..12),
        monthly in any_price(),
    ) {
        let mut t = terms(anchor, "0", start);
        t.monthly = monthly;
        let mut day = start;
        let mut covered = start;
        for step in steps {
            day += Duration::days(step);
            let r = rate(&t, &[], day);
            for c in r.charges.iter().filter(|c| c.kind == LineKind::Recurring) {
                let (from, to) = c.period.unwrap();
                prop_assert_eq!(from, covered);
                prop_assert!(to > from);
                covered = to;
            }
            prop_assert_eq!(Some(covered), r.billed_through);
            prop_assert!(covered > day);
            t.billed_through = r.billed_through;
        }
    }

    /// With a rate change on any day, each day of the period ends up paid at the rate in
    /// effect on that day: the recurring charge plus the credit and the new charge equal the
    /// old price for the days before and the new price for the days after, whether the
    /// period was billed before or after the change.
    #[test]
    fn a_change_leaves_each_day_paid_at_its_rate(
        anchor in 1u32..=28,
        start in any_day(),
        offset in 0i64..62,
        old in any_price(),
        new in any_price(),
        billed_first in any::<bool>(),
    ) {
        let period = period_of(anchor, start);
        let day = period.start + Duration::days(offset % period.days());
        let old_rate = Rate { monthly: old, discount: Decimal::ZERO };
        let new_rate = Rate { monthly: new, discount: Decimal::ZERO };
        let mut t = terms(anchor, "0", period.start);
        let paid: Decimal = if billed_first {
            t.monthly = old;
            let first = rate(&t, &[], period.start);
            let (adj, _) = settle(anchor, first.billed_through.unwrap(), day, old_rate, new_rate, "Change");
            first.charges.iter().map(|c| c.amount).sum::<Decimal>() + adj.iter().map(|a| a.amount).sum::<Decimal>()
        } else {
            let (adj, through) = settle(anchor, period.start, day, old_rate, new_rate, "Change");
            t.monthly = new;
            t.billed_through = Some(through);
            let rest = rate(&t, &[], day);
            let rest: Decimal = rest.charges.iter().filter(|c| c.period.unwrap().0 < period.end).map(|c| c.amount).sum();
            adj.iter().map(|a| a.amount).sum::<Decimal>() + rest
        };
        let expected = prorate(old, period, period.start, day) + prorate(new, period, day, period.end);
        let tolerance = Decimal::new(1, 20) * (old + new + Decimal::ONE);
        prop_assert!((paid - expected).abs() <= tolerance, "{} vs {}", paid, expected);
    }

    /// Totals are the sums of the rounded lines, and the tax per rate adds up to the tax.
    #[test]
    fn totals_are_the_sums_of_the_lines(
        amounts in prop::collection::vec((-100_000i64..10_000_000, 0u32..=4, 0usize..2, any_day()), 0..40),
    ) {
        let charges: Vec<Charge> = amounts.iter().map(|(units, scale, cat, day)| Charge {
            kind: LineKind::OneTime,
            subscription_id: None,
            description: "x".into(),
            period: None,
            quantity: Decimal::ONE,
            unit_price: Decimal::new(*units, *scale),
            amount: Decimal::new(*units, *scale),
            tax_category: ["standard", "reduced"][*cat].into(),
            tax_date: *day,
            rule: Value::Null,
        }).collect();
        let lines = to_lines(charges, TaxPayer { zone: "AT", exempt: false }, &vat(), eur());
        let t = line_totals(&lines);
        prop_assert_eq!(t.subtotal, lines.iter().map(|l| l.amount).sum::<Decimal>());
        prop_assert_eq!(t.tax_total, lines.iter().map(|l| l.tax_amount).sum::<Decimal>());
        prop_assert_eq!(t.total, t.subtotal + t.tax_total);
        prop_assert_eq!(t.by_rate.iter().map(|r| r.tax).sum::<Decimal>(), t.tax_total);
        prop_assert_eq!(t.by_rate.iter().map(|r| r.base).sum::<Decimal>(), t.subtotal);
        for l in &lines {
            prop_assert_eq!(l.amount, l.amount.round_dp(2));
            prop_assert_eq!(l.tax_amount, l.tax_amount.round_dp(2));
        }
    }

    /// Whatever credits wait, the invoice they go on is never negative.
    #[test]
    fn no_invoice_is_negative(
        base in 0i64..100_000,
        waiting in prop::collection::vec(-50_000i64..50_000, 0..20),
    ) {
        let amounts: Vec<Decimal> = waiting.iter().map(|c| Decimal::new(*c, 2)).collect();
        let taken = take_credits(Decimal::new(base, 2), &amounts);
        let total = Decimal::new(base, 2)
            + amounts.iter().zip(&taken).filter(|(_, t)| **t).map(|(a, _)| *a).sum::<Decimal>();
        prop_assert!(total >= Decimal::ZERO);
        // Every charge is taken; a credit is left only when taking it would go below zero.
        for (a, t) in amounts.iter().zip(&taken) {
            if *a >= Decimal::ZERO { prop_assert!(*t); }
        }
    }
}

// Found in review ---------------------------------------------------------------------------
// Each of these once showed a defect (found by a review); now they keep it fixed.

/// Usage totals saturate at `i64::MAX` (`usage_period_totals`, the usage API takes any
/// non-negative i64): rating such a period must not overflow (`over + BYTES_PER_GB - 1`
/// panics in debug builds and wraps to a huge *negative* charge in release builds).
#[test]
fn usage_at_the_saturated_total_does_not_overflow() {
    let mut t = terms(1, "30.00", d(2026, 4, 1));
    t.cap_gb = Some(0);
    t.overage_per_gb = Some(dec("0.50"));
    let usage = [(d(2026, 4, 1), i64::MAX)];
    let r = std::panic::catch_unwind(|| rate(&t, &usage, d(2026, 5, 1)));
    let r = r.expect("rating saturated usage panicked");
    assert!(r
        .charges
        .iter()
        .filter(|c| c.kind == LineKind::Usage)
        .all(|c| c.amount > Decimal::ZERO));
}

/// A dry run may be made for any future day. The recurring loop stops after
/// MAX_PERIODS_PER_RUN, the usage loop never does: one subscription walks every period up
/// to the run date, and near the end of the calendar `next_period_start` panics (the bill
/// run worker's blocking task dies and the run is never finished or failed).
#[test]
fn a_run_far_in_the_future_is_bounded_and_does_not_panic() {
    let t = terms(1, "30.00", d(2026, 4, 1));
    let r = std::panic::catch_unwind(|| rate(&t, &[], NaiveDate::MAX));
    assert!(r.is_ok(), "rating for NaiveDate::MAX panicked");
}
