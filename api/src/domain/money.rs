//! Money: an amount in a currency, as `Decimal`, never a float.
//!
//! The rounding rule: precise amounts (rated usage, prorated fees, tax) keep up to four
//! decimal places while they are computed. Rounding to the currency's minor unit happens
//! once, when an amount becomes an invoice line, half away from zero ("half-up" for
//! positive amounts: 0.125 → 0.13, -0.125 → -0.13). Totals are sums of rounded lines, so an
//! invoice always adds up to the cent.

use rust_decimal::{Decimal, RoundingStrategy};

/// ISO 4217 code, three upper-case letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err("must be a three-letter ISO 4217 code");
        }
        Ok(Currency([bytes[0], bytes[1], bytes[2]]))
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Decimal places of the minor unit (ISO 4217); 2 unless listed.
    pub fn minor_units(&self) -> u32 {
        match self.code() {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "XAF" | "XOF" | "UGX" => 0,
            "BHD" | "JOD" | "KWD" | "OMR" | "TND" | "LYD" | "IQD" => 3,
            _ => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// The amount rounded to the currency's minor unit by the rule above.
    pub fn rounded(&self) -> Money {
        Money {
            amount: round_to_minor_unit(self.amount, self.currency),
            currency: self.currency,
        }
    }
}

pub fn round_to_minor_unit(amount: Decimal, currency: Currency) -> Decimal {
    amount.round_dp_with_strategy(
        currency.minor_units(),
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// An amount as the API shows it: rounded to the currency's minor unit by the rule above and
/// written with exactly that many decimals (`29.9` → `29.90`, NUMERIC's `29.9000` → `29.90`).
/// An unknown currency code leaves the amount as it is.
pub fn for_display(amount: Decimal, currency: &str) -> Decimal {
    match Currency::parse(currency) {
        Ok(c) => {
            let mut rounded = round_to_minor_unit(amount, c);
            rounded.rescale(c.minor_units());
            rounded
        }
        Err(_) => amount,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_the_minor_unit() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(round_to_minor_unit(d("0.125"), eur), d("0.13"));
        assert_eq!(round_to_minor_unit(d("-0.125"), eur), d("-0.13"));
        assert_eq!(round_to_minor_unit(d("0.1249"), eur), d("0.12"));
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(round_to_minor_unit(d("100.5"), jpy), d("101"));
        let kwd = Currency::parse("KWD").unwrap();
        assert_eq!(Money::new(d("1.2345"), kwd).rounded().amount, d("1.235"));
    }

    #[test]
    fn currency_codes_are_checked() {
        assert!(Currency::parse("usd").is_err());
        assert!(Currency::parse("EURO").is_err());
        assert_eq!(Currency::parse("USD").unwrap().code(), "USD");
    }

    #[test]
    fn display_amounts_carry_the_minor_unit_scale() {
        assert_eq!(for_display(d("29.9000"), "USD").to_string(), "29.90");
        assert_eq!(for_display(d("0.125"), "EUR").to_string(), "0.13");
        assert_eq!(for_display(d("1500"), "JPY").to_string(), "1500");
        assert_eq!(for_display(d("1.5"), "KWD").to_string(), "1.500");
    }
}
