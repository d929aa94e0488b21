//! `?limit=&offset=` parsed and bounded once for every list route.

use serde::Deserialize;

use crate::Problem;

/// The default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// The largest page a client may ask for.
pub const MAX_LIMIT: i64 = 100;

/// The raw query parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    pub offset: i64,
}

impl PageQuery {
    /// Checks the bounds; an out-of-range value is a 422 naming the field.
    pub fn parse(&self) -> Result<PageRequest, Problem> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Problem::invalid_field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(Problem::invalid_field("offset", "must not be negative"));
        }
        Ok(PageRequest { limit, offset })
    }
}

#[cfg(test)]
mod tests {
    use shop_client::wire::ErrorCode;

    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(
            PageQuery::default().parse().unwrap(),
            PageRequest {
                limit: 20,
                offset: 0
            }
        );
        let too_big = PageQuery {
            limit: Some(101),
            offset: None,
        };
        assert_eq!(
            *too_big.parse().unwrap_err().code(),
            ErrorCode::ValidationFailed
        );
        let negative = PageQuery {
            limit: None,
            offset: Some(-1),
        };
        assert!(negative.parse().is_err());
    }
}
