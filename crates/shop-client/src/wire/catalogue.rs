//! Catalogue wire types.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A product category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryResponse {
    pub id: Uuid,
    /// URL-safe name used in filters (`?category=books`).
    pub slug: String,
    pub name: String,
}
