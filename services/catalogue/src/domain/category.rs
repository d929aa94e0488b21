//! A category's slug: the URL-safe name filters use (`?category=books`).

use shop_kit::Problem;

/// The longest slug accepted.
pub const MAX_SLUG_LEN: usize = 64;

/// Lowercase words of letters and digits joined by `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// Trims and lowercases `raw`; a slug of another shape is a 422 naming `slug`.
    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let slug = raw.trim().to_ascii_lowercase();
        let valid = !slug.is_empty()
            && slug.len() <= MAX_SLUG_LEN
            && slug.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if valid {
            Ok(Self(slug))
        } else {
            Err(Problem::invalid_field(
                "slug",
                "must be lowercase words joined by '-'",
            ))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(
            Slug::parse(" Home-Office2 ").unwrap().as_str(),
            "home-office2"
        );
        for bad in ["", "-", "a--b", "a_b", "caf\u{e9}", "a b", &"a".repeat(65)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }
}
