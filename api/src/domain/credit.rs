//! The credit check an order gets at submission, by its customer's class.
//!
//! Rules (all amounts in the account currency, compared before rounding):
//! - An overdue balance above zero sends the order to a manager.
//! - Exposure = current balance + the order's new monthly charges. Exposure above the class's
//!   credit limit sends the order to a manager.
//! - An order whose first-invoice total (one-time charges + first month) or monthly total is
//!   above the class's approval threshold needs a manager.
//! - The deposit rule adds a deposit: none, a fixed amount, or N months of the order's
//!   recurring charges. A deposit alone does not need approval; it is charged on the order.
//!
//! The check never rejects by itself: it approves, or names every reason a manager must
//! look at. The reasons are stored on the order and shown to the agent.

use rust_decimal::Decimal;

use super::money::{round_to_minor_unit, Currency};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositRule {
    None,
    Fixed(Decimal),
    MonthsOfRecurring(u32),
}

/// What a customer class says about credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditPolicy {
    pub currency: Currency,
    pub credit_limit: Decimal,
    pub approval_threshold: Decimal,
    pub deposit_rule: DepositRule,
}

/// Where the customer stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Positive: the customer owes; negative: credit on account.
    pub balance: Decimal,
    /// The part of the balance past its due date.
    pub overdue: Decimal,
}

/// The order's totals, tax included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTotals {
    pub one_time: Decimal,
    pub monthly: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    OverdueBalance { overdue: Decimal },
    CreditLimitExceeded { exposure: Decimal, limit: Decimal },
    AboveApprovalThreshold { amount: Decimal, threshold: Decimal },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditDecision {
    /// True when a manager must approve the order.
    pub needs_approval: bool,
    pub reasons: Vec<Reason>,
    /// The deposit to charge on the order, rounded to the currency's minor unit.
    pub deposit: Option<Decimal>,
}

pub fn check_order(
    policy: &CreditPolicy,
    standing: Standing,
    order: OrderTotals,
) -> CreditDecision {
    let mut reasons = Vec::new();
    if standing.overdue > Decimal::ZERO {
        reasons.push(Reason::OverdueBalance {
            overdue: standing.overdue,
        });
    }
    let exposure = standing.balance + order.monthly;
    if exposure > policy.credit_limit {
        reasons.push(Reason::CreditLimitExceeded {
            exposure,
            limit: policy.credit_limit,
        });
    }
    let first_invoice = order.one_time + order.monthly;
    let largest = first_invoice.max(order.monthly);
    if largest > policy.approval_threshold {
        reasons.push(Reason::AboveApprovalThreshold {
            amount: largest,
            threshold: policy.approval_threshold,
        });
    }
    let deposit = match policy.deposit_rule {
        DepositRule::None => None,
        DepositRule::Fixed(amount) => Some(amount),
        DepositRule::MonthsOfRecurring(months) => Some(order.monthly * Decimal::from(months)),
    }
    .map(|amount| round_to_minor_unit(amount, policy.currency))
    .filter(|amount| *amount > Decimal::ZERO);
    CreditDecision {
        needs_approval: !reasons.is_empty(),
        reasons,
        deposit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn residential() -> CreditPolicy {
        CreditPolicy {
            currency: Currency::parse("USD").unwrap(),
            credit_limit: d("150"),
            approval_threshold: d("300"),
            deposit_rule: DepositRule::None,
        }
    }

    fn clean() -> Standing {
        Standing {
            balance: Decimal::ZERO,
            overdue: Decimal::ZERO,
        }
    }

    fn order(one_time: &str, monthly: &str) -> OrderTotals {
        OrderTotals {
            one_time: d(one_time),
            monthly: d(monthly),
        }
    }

    #[test]
    fn a_small_order_for_a_customer_in_good_standing_is_approved() {
        let decision = check_order(&residential(), clean(), order("99", "39"));
        assert_eq!(
            decision,
            CreditDecision {
                needs_approval: false,
                reasons: vec![],
                deposit: None
            }
        );
    }

    #[test]
    fn an_overdue_balance_needs_a_manager() {
        let standing = Standing {
            balance: d("45"),
            overdue: d("45"),
        };
        let decision = check_order(&residential(), standing, order("0", "39"));
        assert!(decision.needs_approval);
        assert_eq!(
            decision.reasons,
            vec![Reason::OverdueBalance { overdue: d("45") }]
        );
    }

    #[test]
    fn exposure_counts_the_balance_and_the_new_monthly_charges() {
        let standing = Standing {
            balance: d("120"),
            overdue: Decimal::ZERO,
        };
        let at_limit = check_order(&residential(), standing, order("0", "30"));
        assert!(
            !at_limit.needs_approval,
            "exactly at the limit is within it"
        );
        let over = check_order(&residential(), standing, order("0", "30.01"));
        assert_eq!(
            over.reasons,
            vec![Reason::CreditLimitExceeded {
                exposure: d("150.01"),
                limit: d("150")
            }]
        );
        // Credit on account makes room.
        let in_credit = Standing {
            balance: d("-50"),
            overdue: Decimal::ZERO,
        };
        assert!(!check_order(&residential(), in_credit, order("0", "190")).needs_approval);
    }

    #[test]
    fn the_threshold_applies_to_the_first_invoice_including_one_time_charges() {
        let decision = check_order(&residential(), clean(), order("299", "39"));
        assert_eq!(
            decision.reasons,
            vec![Reason::AboveApprovalThreshold {
                amount: d("338"),
                threshold: d("300")
            }]
        );
    }

    #[test]
    fn every_reason_is_named_not_just_the_first() {
        let standing = Standing {
            balance: d("200"),
            overdue: d("10"),
        };
        let decision = check_order(&residential(), standing, order("500", "100"));
        assert_eq!(decision.reasons.len(), 3);
    }

    #[test]
    fn deposits_follow_the_rule_and_are_rounded_once() {
        let mut policy = residential();
        policy.deposit_rule = DepositRule::MonthsOfRecurring(2);
        let decision = check_order(&policy, clean(), order("0", "33.335"));
        assert_eq!(decision.deposit, Some(d("66.67")));
        assert!(
            !decision.needs_approval,
            "a deposit alone does not need a manager"
        );

        policy.deposit_rule = DepositRule::Fixed(d("100"));
        assert_eq!(
            check_order(&policy, clean(), order("0", "10")).deposit,
            Some(d("100"))
        );

        // Nothing recurring, nothing to secure.
        policy.deposit_rule = DepositRule::MonthsOfRecurring(3);
        assert_eq!(
            check_order(&policy, clean(), order("99", "0")).deposit,
            None
        );
    }
}
