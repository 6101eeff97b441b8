//! How customers and leads are reached: phone numbers, countries and postal addresses, each
//! built only through a checking `parse`.
//!
//! Phone numbers are stored in E.164 (`+15550100101`): one spelling per number, so the same
//! number typed as `(555) 010-0101` or `+1 555 010 0101` is found as a duplicate. A number
//! written without `+` is national and gets the ISP's default country calling code; for
//! that number plan (NANP, `1`) exactly ten national digits are required, elsewhere a single
//! leading trunk `0` is dropped (`020 7946 0018` in the UK is `+442079460018`). Formatting
//! characters (spaces, dots, dashes, parentheses) are ignored; letters, extensions and other
//! symbols are refused rather than guessed at.

use std::fmt;

/// A phone number in E.164: `+`, a country calling code and the national number, 7–15 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses `input`, taking `default_calling_code` (digits, e.g. `"1"` or `"44"`) for
    /// numbers written without `+` or `00`.
    pub fn parse(input: &str, default_calling_code: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("must not be empty");
        }
        if trimmed.len() > 40 {
            return Err("is too long to be a phone number");
        }
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::new();
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '/' => {}
                _ => return Err("may only hold digits, spaces, dashes, dots and parentheses"),
            }
        }
        let international = international || {
            // `00` is the international prefix in most of the world.
            if digits.starts_with("00") {
                digits.drain(..2);
                true
            } else {
                false
            }
        };
        let e164 = if international {
            digits
        } else {
            let code = default_calling_code.trim_start_matches('+');
            if code.is_empty()
                || code.len() > 3
                || !code.chars().all(|c| c.is_ascii_digit())
                || code.starts_with('0')
            {
                return Err("has no country code and no default is configured");
            }
            let national = if code == "1" {
                // NANP: an optional leading 1, then ten digits (area code + number).
                let national = if digits.len() == 11 && digits.starts_with('1') {
                    &digits[1..]
                } else {
                    &digits[..]
                };
                if national.len() != 10 {
                    return Err("must have 10 digits (area code and number) or start with +");
                }
                national.to_owned()
            } else {
                digits.strip_prefix('0').unwrap_or(&digits).to_owned()
            };
            format!("{code}{national}")
        };
        if e164.starts_with('0') {
            return Err("a country calling code never starts with 0");
        }
        if !(7..=15).contains(&e164.len()) {
            return Err("must have 7 to 15 digits with its country code");
        }
        Ok(PhoneNumber(format!("+{e164}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// ISO 3166-1 alpha-2 codes assigned today (user-assigned codes such as `XK` excluded).
const COUNTRIES: &str =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK \
DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU \
GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY \
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU \
RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// An ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() != 2 || !COUNTRIES.split_whitespace().any(|c| c == code) {
            return Err("must be an ISO 3166-1 alpha-2 country code, e.g. US");
        }
        let b = code.as_bytes();
        Ok(CountryCode([b[0], b[1]]))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }
}

/// A postal address as entered, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: CountryCode,
}

/// One line of free text: trimmed, 1–`max` characters, no control characters. Empty
/// optional input becomes `None`.
pub fn text_line(input: &str, max: usize) -> Result<String, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("must not be empty");
    }
    if value.chars().count() > max {
        return Err("is too long");
    }
    if value.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    Ok(value.to_owned())
}

/// A postal code: letters, digits, spaces and dashes, up to 12 characters, upper-cased.
pub fn postal_code(input: &str) -> Result<String, &'static str> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() || code.len() > 12 {
        return Err("must be 1 to 12 characters");
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err("may only hold letters, digits, spaces and dashes");
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_normalised_to_e164() {
        for (input, expected) in [
            ("+1 555 010 0101", "+15550100101"),
            ("(555) 010-0101", "+15550100101"),
            ("555.010.0101", "+15550100101"),
            ("1-555-010-0101", "+15550100101"),
            ("+44 20 7946 0018", "+442079460018"),
            ("0044 20 7946 0018", "+442079460018"),
        ] {
            assert_eq!(
                PhoneNumber::parse(input, "1").unwrap().as_str(),
                expected,
                "{input}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("020 7946 0018", "44").unwrap().as_str(),
            "+442079460018"
        );
        assert_eq!(
            PhoneNumber::parse("030 1234567", "+49").unwrap().as_str(),
            "+49301234567"
        );
    }

    #[test]
    fn garbage_is_not_a_phone_number() {
        for bad in [
            "",
            "   ",
            "call me",
            "555-0101",
            "555 010 0101 ext 4",
            "+0 555 010 0101",
            "+1 2",
            "+1234567890123456",
            "12345678901234",
            "+1 555 O10 0101",
        ] {
            assert!(PhoneNumber::parse(bad, "1").is_err(), "{bad:?} accepted");
        }
        assert!(PhoneNumber::parse("555 010 0101", "").is_err());
    }

    #[test]
    fn countries_are_iso_codes() {
        assert_eq!(CountryCode::parse(" us ").unwrap().as_str(), "US");
        assert_eq!(CountryCode::parse("DE").unwrap().as_str(), "DE");
        for bad in ["", "USA", "XX", "U1", "UK"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn lines_and_postal_codes_are_checked() {
        assert_eq!(text_line("  1 Main St ", 200).unwrap(), "1 Main St");
        assert!(text_line(" ", 200).is_err());
        assert!(text_line("a\nb", 200).is_err());
        assert!(text_line(&"x".repeat(201), 200).is_err());
        assert_eq!(postal_code(" sw1a 1aa ").unwrap(), "SW1A 1AA");
        assert!(postal_code("12;DROP").is_err());
    }
}
