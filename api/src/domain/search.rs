//! What an agent typed into the search box, made ready for the index.
//!
//! One box finds a customer by name, company, account number, e-mail, phone or address.
//! The text is read three ways: as an exact identifier (account number, e-mail; later
//! invoice numbers and network usernames), as phone digits (at least five, any
//! punctuation ignored), and as words for full-text prefix search (`ana li` finds
//! "Ana Lima"). An all-digit term that has the shape of an account number but fails its
//! check digit is flagged, so the screen can say "check the number" instead of "not found".

use super::account_number;

/// Terms shorter than this are refused: they would match half the database.
pub const MIN_LENGTH: usize = 2;
pub const MAX_LENGTH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// The whole term, trimmed and lower-cased.
    pub exact: String,
    /// The digits of the term when it reads as a phone or account number, else empty.
    pub digits: String,
    /// A `to_tsquery('simple', …)` expression: every word as a prefix, all required.
    pub words: String,
    /// The term looks like an account number but its check digit is wrong.
    pub bad_check_digit: bool,
}

impl SearchTerms {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        let length = trimmed.chars().count();
        if length < MIN_LENGTH {
            return Err("type at least 2 characters");
        }
        if length > MAX_LENGTH {
            return Err("at most 200 characters");
        }
        let exact = trimmed.to_lowercase();
        let phone_like = trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let digits = if phone_like && digits.len() >= 5 {
            digits
        } else {
            String::new()
        };
        let words: Vec<String> = exact
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .map(|w| format!("{w}:*"))
            .collect();
        let account_shaped = !digits.is_empty()
            && trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
            && (7..=10).contains(&digits.len());
        Ok(SearchTerms {
            bad_check_digit: account_shaped && !account_number::is_valid(trimmed),
            exact,
            digits,
            words: words.join(" & "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_prefix_words() {
        let t = SearchTerms::parse("  Ana LI ").unwrap();
        assert_eq!(t.exact, "ana li");
        assert_eq!(t.words, "ana:* & li:*");
        assert_eq!(t.digits, "");
        assert!(!t.bad_check_digit);
    }

    #[test]
    fn punctuation_cannot_inject_query_syntax() {
        let t = SearchTerms::parse("o'brien & (x | !y):*").unwrap();
        assert_eq!(t.words, "o:* & brien:* & x:* & y:*");
    }

    #[test]
    fn phones_are_read_as_digits() {
        let t = SearchTerms::parse("+1 (555) 010-0101").unwrap();
        assert_eq!(t.digits, "15550100101");
        assert_eq!(SearchTerms::parse("555").unwrap().digits, "");
        assert_eq!(SearchTerms::parse("Flat 12345").unwrap().digits, "");
    }

    #[test]
    fn an_account_number_with_a_wrong_check_digit_is_flagged() {
        assert!(!SearchTerms::parse("1000017").unwrap().bad_check_digit);
        assert!(SearchTerms::parse("1000018").unwrap().bad_check_digit);
        assert!(SearchTerms::parse("100-0018").unwrap().bad_check_digit);
        // Phone numbers in international form are not account numbers.
        assert!(!SearchTerms::parse("+15550100101").unwrap().bad_check_digit);
    }

    #[test]
    fn too_short_or_too_long_is_refused() {
        assert!(SearchTerms::parse(" a ").is_err());
        assert!(SearchTerms::parse(&"x".repeat(201)).is_err());
        assert!(SearchTerms::parse("ab").is_ok());
    }
}
