//! The product list's query: parsed, bounded, and normalised into the
//! cache key (two URLs asking the same thing share one cache entry); and
//! which products a list covers ([`Scope`]).

use serde::Deserialize;
use shop_client::wire::catalogue::schemas;
use shop_kit::{Problem, input, pagination::PageQuery};

/// How a list is ordered (the wire's `?sort=` values).
pub use shop_client::wire::catalogue::ProductSort as Sort;

/// `GET /api/products` query parameters, as sent.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to find in the name or description.
    #[param(schema_with = q_schema)]
    pub q: Option<String>,
    /// A category slug.
    #[param(schema_with = category_schema)]
    pub category: Option<String>,
    /// Inclusive lower bound (at most `max_price_cents`).
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub min_price_cents: Option<i64>,
    /// Inclusive upper bound.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64)]
    pub max_price_cents: Option<i64>,
    /// Only products that can be bought now.
    #[param(default = false)]
    pub in_stock: Option<bool>,
    /// `price` (cheapest first), `-price`, `name` or `newest` (the default).
    #[param(value_type = Option<Sort>, default = "newest")]
    pub sort: Option<String>,
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Items to skip.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64, default = 0)]
    pub offset: Option<i64>,
}

fn q_schema() -> utoipa::openapi::Object {
    schemas::optional_line(
        200,
        "Words to find in the name or description (web-search syntax: `\"a phrase\"`, `-word`, `or`); up to 200 characters once trimmed, blank is no filter",
    )
}

fn category_schema() -> utoipa::openapi::Object {
    schemas::optional_line(
        64,
        "A category slug (any case), up to 64 characters once trimmed; blank is no filter, an unknown one finds nothing",
    )
}

/// `?limit=&offset=` of a plain list (categories), as sent; the bounds
/// are [`PageQuery`]'s.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Items to skip.
    #[param(minimum = 0, maximum = 9_223_372_036_854_775_807_i64, default = 0)]
    pub offset: Option<i64>,
}

impl PageParams {
    /// Checks the bounds; an out-of-range value is a 422 naming the field.
    pub fn parse(&self) -> Result<shop_kit::pagination::PageRequest, Problem> {
        PageQuery {
            limit: self.limit,
            offset: self.offset,
        }
        .parse()
    }
}

/// A valid list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min_price_cents: Option<i64>,
    pub max_price_cents: Option<i64>,
    pub in_stock: bool,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
}

/// Which products a list covers. Not part of [`ListFilter`], so it never
/// reaches the cache key: only the public page is cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Those on sale: what a shopper sees.
    OnSale,
    /// Every product, on sale or not: what an admin sees.
    All,
}

impl ListParams {
    /// Checks every parameter; a bad one is a 422 naming it.
    pub fn parse(&self) -> Result<ListFilter, Problem> {
        let page = PageQuery {
            limit: self.limit,
            offset: self.offset,
        }
        .parse()?;
        let sort = match self.sort.as_deref() {
            None => Sort::Newest,
            Some(raw) => raw.parse::<Sort>().map_err(|_| {
                Problem::invalid_field("sort", "must be price, -price, name or newest")
            })?,
        };
        for (field, value) in [
            ("min_price_cents", self.min_price_cents),
            ("max_price_cents", self.max_price_cents),
        ] {
            if value.is_some_and(|v| v < 0) {
                return Err(Problem::invalid_field(field, "must not be negative"));
            }
        }
        if let (Some(min), Some(max)) = (self.min_price_cents, self.max_price_cents) {
            if min > max {
                return Err(Problem::invalid_field(
                    "min_price_cents",
                    "must not be above max_price_cents",
                ));
            }
        }
        let q = match self.q.as_deref() {
            None => None,
            Some(raw) => Some(
                input::line(200)
                    .optional()
                    .parse_field("q", raw)?
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase(),
            ),
        };
        let category = match self.category.as_deref() {
            None => None,
            Some(raw) => Some(
                input::line(64)
                    .optional()
                    .parse_field("category", raw)?
                    .to_ascii_lowercase(),
            ),
        };
        Ok(ListFilter {
            q: q.filter(|q| !q.is_empty()),
            category: category.filter(|c| !c.is_empty()),
            min_price_cents: self.min_price_cents,
            max_price_cents: self.max_price_cents,
            in_stock: self.in_stock.unwrap_or(false),
            sort,
            limit: page.limit,
            offset: page.offset,
        })
    }
}

impl ListFilter {
    /// The normalised query: the cache key's variable part.
    pub fn cache_key(&self) -> String {
        format!(
            "q={}&category={}&min={}&max={}&in_stock={}&sort={}&limit={}&offset={}",
            self.q.as_deref().unwrap_or(""),
            self.category.as_deref().unwrap_or(""),
            self.min_price_cents
                .map(|v| v.to_string())
                .unwrap_or_default(),
            self.max_price_cents
                .map(|v| v.to_string())
                .unwrap_or_default(),
            self.in_stock,
            self.sort.as_str(),
            self.limit,
            self.offset
        )
    }
}

#[cfg(test)]
mod tests {
    use shop_client::wire::ErrorCode;

    use super::*;

    #[test]
    fn equivalent_queries_share_a_cache_key() {
        let a = ListParams {
            q: Some("  Red   MUG ".into()),
            sort: Some("newest".into()),
            ..Default::default()
        };
        let b = ListParams {
            q: Some("red mug".into()),
            limit: Some(20),
            ..Default::default()
        };
        assert_eq!(
            a.parse().unwrap().cache_key(),
            b.parse().unwrap().cache_key()
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        let bad_sort = ListParams {
            sort: Some("cheapest".into()),
            ..Default::default()
        };
        assert_eq!(
            *bad_sort.parse().unwrap_err().code(),
            ErrorCode::ValidationFailed
        );
        let inverted = ListParams {
            min_price_cents: Some(10),
            max_price_cents: Some(5),
            ..Default::default()
        };
        assert!(inverted.parse().is_err());
        for (q, category) in [(Some("mu\u{0}g"), None), (None, Some("ki\u{0}tchen"))] {
            let nul = ListParams {
                q: q.map(Into::into),
                category: category.map(Into::into),
                ..Default::default()
            };
            let problem = nul.parse().unwrap_err();
            assert_eq!(*problem.code(), ErrorCode::ValidationFailed);
        }
    }
}
