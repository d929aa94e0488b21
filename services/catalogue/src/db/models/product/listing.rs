//! The list query: products in a [`Scope`] matching a [`ListFilter`],
//! sorted and paged.

use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{Bool, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{ProductRecord, ProductRow};
use crate::{
    db::schema::{categories, products},
    domain::listing::{ListFilter, Scope, Sort},
};

type Joined = diesel::dsl::InnerJoin<products::table, categories::table>;
type Boxed<'a> = diesel::dsl::IntoBoxed<'a, Joined, Pg>;

/// Products in `scope` matching the filter (not yet ordered or paged).
fn matching(filter: &ListFilter, scope: Scope) -> Boxed<'_> {
    let mut query = products::table.inner_join(categories::table).into_boxed();
    if scope == Scope::OnSale {
        query = query.filter(products::active.eq(true));
    }
    if let Some(q) = &filter.q {
        query = query.filter(
            sql::<Bool>("products.search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(q.clone())
                .sql(")"),
        );
    }
    if let Some(category) = &filter.category {
        query = query.filter(categories::slug.eq(category.clone()));
    }
    if let Some(min) = filter.min_price_cents {
        query = query.filter(products::price_cents.ge(min));
    }
    if let Some(max) = filter.max_price_cents {
        query = query.filter(products::price_cents.le(max));
    }
    if filter.in_stock {
        query = query.filter((products::stock_on_hand - products::stock_reserved).gt(0));
    }
    query
}

impl ProductRecord {
    /// A page of the products in `scope` matching `filter`, and how many
    /// match in all.
    #[tracing::instrument(skip(conn))]
    pub async fn list(
        conn: &mut AsyncPgConnection,
        filter: &ListFilter,
        scope: Scope,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let total: i64 = matching(filter, scope).count().get_result(conn).await?;
        let query = matching(filter, scope).select((ProductRow::as_select(), categories::slug));
        let query = match filter.sort {
            Sort::PriceAsc => query.order((products::price_cents.asc(), products::id.asc())),
            Sort::PriceDesc => query.order((products::price_cents.desc(), products::id.asc())),
            Sort::Name => query.order((products::name.asc(), products::id.asc())),
            Sort::Newest => query.order((products::created_at.desc(), products::id.desc())),
        };
        let rows = query
            .limit(filter.limit)
            .offset(filter.offset)
            .load(conn)
            .await?;
        let records = rows.into_iter().map(Self::from_row).collect();
        Ok((Self::with_images(conn, records).await?, total))
    }
}
