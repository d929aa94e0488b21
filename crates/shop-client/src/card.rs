//! A payment card, checked before any charge. The number and the CVC are
//! never printed: their `Debug` shows the last four digits and nothing.

use std::{collections::BTreeMap, fmt};

/// A card number that passed the Luhn check.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(****{})", self.last4())
    }
}

impl CardNumber {
    /// 12 to 19 digits (spaces and dashes ignored) that pass the Luhn check.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be 12 to 19 digits");
        }
        if !luhn(&digits) {
            return Err("is not a valid card number");
        }
        Ok(Self(digits))
    }

    /// The whole number, for the card processor only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The card network, from the number's prefix.
    pub fn brand(&self) -> &'static str {
        let prefix2: u32 = self.0[..2].parse().unwrap_or(0);
        let prefix4: u32 = self.0[..4].parse().unwrap_or(0);
        match (self.0.as_bytes()[0], prefix2, prefix4) {
            (b'4', _, _) => "visa",
            (_, 51..=55, _) | (_, _, 2221..=2720) => "mastercard",
            (_, 34 | 37, _) => "amex",
            _ => "card",
        }
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A card that may be charged today.
#[derive(Clone)]
pub struct Card {
    pub number: CardNumber,
    cvc: String,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("number", &self.number)
            .field("cvc", &"***")
            .finish()
    }
}

impl Card {
    /// Checks the number (Luhn), the expiry (not before `today`'s month) and
    /// the CVC (3 or 4 digits); every bad field is named.
    pub fn parse(
        number: &str,
        exp_month: u32,
        exp_year: i32,
        cvc: &str,
        today: (i32, u32),
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let number =
            CardNumber::parse(number).map_err(|e| errors.insert("card_number".into(), e.into()));
        if !(1..=12).contains(&exp_month) {
            errors.insert("exp_month".into(), "must be 1 to 12".into());
        } else if (exp_year, exp_month) < today {
            errors.insert("exp_year".into(), "the card has expired".into());
        }
        if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
            errors.insert("cvc".into(), "must be 3 or 4 digits".into());
        }
        match number {
            Ok(number) if errors.is_empty() => Ok(Self {
                number,
                cvc: cvc.to_owned(),
            }),
            _ => Err(errors),
        }
    }

    /// The CVC, for the card processor only.
    pub fn cvc(&self) -> &str {
        &self.cvc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32) = (2026, 11);

    #[test]
    fn test_cards_pass_and_typos_fail_the_luhn_check() {
        for number in [
            "4242424242424242",
            "4000000000000002",
            "4000000000009995",
            "4000000000000119",
            "4000000000000259",
        ] {
            assert!(CardNumber::parse(number).is_ok(), "{number}");
        }
        assert!(CardNumber::parse("4242424242424241").is_err());
        assert!(CardNumber::parse("4242 4242 4242 4242").is_ok());
        assert!(CardNumber::parse("abcd").is_err());
    }

    #[test]
    fn expiry_and_cvc_are_checked_and_nothing_secret_is_printed() {
        assert!(Card::parse("4242424242424242", 11, 2026, "123", TODAY).is_ok());
        let expired = Card::parse("4242424242424242", 10, 2026, "123", TODAY).unwrap_err();
        assert!(expired.contains_key("exp_year"));
        let bad = Card::parse("4242424242424241", 13, 2030, "12", TODAY).unwrap_err();
        assert_eq!(
            bad.keys().collect::<Vec<_>>(),
            ["card_number", "cvc", "exp_month"]
        );
        let card = Card::parse("4242424242424242", 12, 2030, "987", TODAY).unwrap();
        let printed = format!("{card:?}");
        assert!(
            !printed.contains("424242424242") && !printed.contains("987"),
            "{printed}"
        );
        assert_eq!((card.number.brand(), card.number.last4()), ("visa", "4242"));
    }
}
