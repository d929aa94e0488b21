//! The envelope of every paginated list.

use serde::{Deserialize, Serialize};

/// `{"items":[...],"total":N,"limit":L,"offset":O}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match, over all pages.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}
