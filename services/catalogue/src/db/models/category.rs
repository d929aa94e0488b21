//! The `categories` table and its queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::catalogue::CategoryResponse;
use uuid::Uuid;

use crate::{db::schema::categories, domain::category::Slug};

/// A category row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories, check_for_backend(diesel::pg::Pg))]
pub struct Category {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl Category {
    /// One page of categories by name, and how many there are in all.
    #[tracing::instrument(skip(conn))]
    pub async fn list(
        conn: &mut AsyncPgConnection,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let items = categories::table
            .select(Self::as_select())
            .order((categories::name, categories::id))
            .limit(limit)
            .offset(offset)
            .load(conn)
            .await?;
        let total = categories::table.count().get_result(conn).await?;
        Ok((items, total))
    }

    /// Creates a category; a taken slug is a unique violation on `categories_slug_key`.
    #[tracing::instrument(skip(conn))]
    pub async fn insert(
        conn: &mut AsyncPgConnection,
        slug: &Slug,
        name: &str,
    ) -> QueryResult<Self> {
        diesel::insert_into(categories::table)
            .values((
                categories::id.eq(Uuid::now_v7()),
                categories::slug.eq(slug.as_str()),
                categories::name.eq(name),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The category as clients see it.
    pub fn into_response(self) -> CategoryResponse {
        CategoryResponse {
            id: self.id,
            slug: self.slug,
            name: self.name,
        }
    }
}
