//! Customer account numbers: readable, unique, and self-checking.
//!
//! The number is a running serial of at least six digits followed by one Luhn (mod 10) check
//! digit, so a digit misheard or mistyped on the phone, or two neighbouring digits swapped,
//! is caught before any lookup: `100001` → `1000017`.

/// The account number for a serial (the sequence value).
pub fn for_serial(serial: u64) -> String {
    let body = format!("{serial:06}");
    format!("{body}{}", check_digit(&body))
}

/// True when `input` (spaces and dashes ignored) is a well-formed account number.
pub fn is_valid(input: &str) -> bool {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() < 7 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    check.chars().next().and_then(|c| c.to_digit(10)) == Some(check_digit(body))
}

/// The Luhn check digit of a string of ASCII digits.
fn check_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_a_luhn_check_digit() {
        // The classic Luhn example: 7992739871 has check digit 3.
        assert_eq!(check_digit("7992739871"), 3);
        assert_eq!(for_serial(100_001), "1000017");
        assert_eq!(for_serial(42), "0000422");
        assert!(is_valid("1000017"));
        assert!(is_valid("100-0017"));
    }

    #[test]
    fn a_wrong_digit_or_a_swap_is_caught() {
        let number = for_serial(123_456);
        assert!(is_valid(&number));
        for i in 0..number.len() {
            for replacement in '0'..='9' {
                let mut wrong: Vec<char> = number.chars().collect();
                if wrong[i] == replacement {
                    continue;
                }
                wrong[i] = replacement;
                let wrong: String = wrong.into_iter().collect();
                assert!(!is_valid(&wrong), "{wrong} accepted");
            }
        }
        let mut swapped: Vec<char> = number.chars().collect();
        swapped.swap(1, 2);
        let swapped: String = swapped.into_iter().collect();
        if swapped != number {
            assert!(!is_valid(&swapped), "{swapped} accepted");
        }
        assert!(!is_valid("12"));
        assert!(!is_valid("12345a7"));
    }
}
