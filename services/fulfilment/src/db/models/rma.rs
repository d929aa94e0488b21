//! The `returns` and `return_lines` tables: RMAs, numbered `RMA-YYYY-NNNNNN`,
//! `requested`, then `received` (fulfilment has the goods back and told
//! orders), then `refunded` (orders restocked, refunded and credited them).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::fulfilment::{ReturnLineResponse, ReturnResponse};
use uuid::Uuid;

use crate::{
    db::schema::{return_lines, returns},
    domain::status::{Lifecycle as _, ReturnStatus},
};

/// A return row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = returns, check_for_backend(Pg))]
pub struct Rma {
    pub id: Uuid,
    pub number: String,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub reason: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: ReturnStatus,
    pub refund_cents: i64,
    pub restocked_at: Option<DateTime<Utc>>,
    pub refunded_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A returned line at the price paid.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = return_lines, check_for_backend(Pg))]
pub struct RmaLine {
    pub return_id: Uuid,
    pub product_id: Uuid,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// Which returns a list shows; every field narrows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RmaFilter {
    /// One buyer's returns only (a customer's own list).
    pub user_id: Option<Uuid>,
    pub order_id: Option<Uuid>,
    pub status: Option<ReturnStatus>,
}

impl RmaFilter {
    /// The rows the filter lets through, boxed because each filter is optional.
    fn query(&self) -> returns::BoxedQuery<'static, Pg> {
        let mut query = returns::table.into_boxed();
        if let Some(user_id) = self.user_id {
            query = query.filter(returns::user_id.eq(user_id));
        }
        if let Some(order_id) = self.order_id {
            query = query.filter(returns::order_id.eq(order_id));
        }
        if let Some(status) = self.status {
            query = query.filter(returns::status.eq(status.as_str()));
        }
        query
    }
}

impl RmaLine {
    /// The line as the wire (and `return.received`) carries it.
    pub fn to_response(&self) -> ReturnLineResponse {
        ReturnLineResponse {
            product_id: self.product_id,
            quantity: self.quantity,
            unit_price_cents: self.unit_price_cents,
        }
    }
}

impl Rma {
    /// Writes a new return and its lines.
    pub async fn insert(
        conn: &mut AsyncPgConnection,
        rma: Self,
        lines: &[RmaLine],
    ) -> QueryResult<()> {
        diesel::insert_into(returns::table)
            .values(rma)
            .execute(conn)
            .await?;
        diesel::insert_into(return_lines::table)
            .values(lines)
            .execute(conn)
            .await
            .map(drop)
    }

    /// A return by its id.
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        returns::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// A return locked for the rest of the transaction.
    pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        returns::table
            .find(id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The return's lines, by product.
    pub async fn lines(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<RmaLine>> {
        return_lines::table
            .filter(return_lines::return_id.eq(id))
            .order(return_lines::product_id)
            .select(RmaLine::as_select())
            .load(conn)
            .await
    }

    /// The returns `filter` lets through, newest first (the id breaks
    /// ties), one page of them, and how many there are on every page.
    #[tracing::instrument(skip_all, fields(limit = limit, offset = offset))]
    pub async fn list(
        conn: &mut AsyncPgConnection,
        filter: &RmaFilter,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let items = filter
            .query()
            .order((returns::created_at.desc(), returns::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(Self::as_select())
            .load(conn)
            .await?;
        // The same filter, so `total` counts exactly what the pages hold.
        let total = filter.query().count().get_result(conn).await?;
        Ok((items, total))
    }

    /// The lines of each of the returns `ids`, by product: a page's lines
    /// in one query.
    pub async fn lines_of(
        conn: &mut AsyncPgConnection,
        ids: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, Vec<RmaLine>>> {
        let rows: Vec<RmaLine> = return_lines::table
            .filter(return_lines::return_id.eq_any(ids))
            .order((return_lines::return_id, return_lines::product_id))
            .select(RmaLine::as_select())
            .load(conn)
            .await?;
        let mut by_return: HashMap<Uuid, Vec<RmaLine>> = HashMap::new();
        for row in rows {
            by_return.entry(row.return_id).or_default().push(row);
        }
        Ok(by_return)
    }

    /// Units of each product already asked back for this order.
    pub async fn returned_quantities(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<HashMap<Uuid, i64>> {
        let rows: Vec<(Uuid, Option<i64>)> = return_lines::table
            .inner_join(returns::table)
            .filter(returns::order_id.eq(order_id))
            .group_by(return_lines::product_id)
            .select((
                return_lines::product_id,
                diesel::dsl::sum(return_lines::quantity),
            ))
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(product, quantity)| (product, quantity.unwrap_or(0)))
            .collect())
    }

    /// To `received`; `None` when it could not move (received before, by
    /// this request's twin or an earlier one).
    pub async fn mark_received(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = ReturnStatus::Received;
        diesel::update(
            returns::table
                .find(id)
                .filter(returns::status.eq_any(ReturnStatus::sources(to))),
        )
        .set((
            returns::status.eq(to.as_str()),
            returns::received_at.eq(diesel::dsl::now),
            returns::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// To `refunded`: orders restocked the goods, then gave the money back;
    /// `None` when it could not move (not received, or refunded already).
    pub async fn mark_refunded(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        let to = ReturnStatus::Refunded;
        let now = Utc::now();
        diesel::update(
            returns::table
                .find(id)
                .filter(returns::status.eq_any(ReturnStatus::sources(to))),
        )
        .set((
            returns::status.eq(to.as_str()),
            returns::restocked_at.eq(now),
            returns::refunded_at.eq(now),
            returns::updated_at.eq(now),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// The return as the buyer and staff see it; `last_error` says why it
    /// is not refunded yet, when something failed.
    pub fn to_response(&self, lines: &[RmaLine], last_error: Option<String>) -> ReturnResponse {
        ReturnResponse {
            id: self.id,
            number: self.number.clone(),
            order_id: self.order_id,
            user_id: self.user_id,
            status: self.status,
            reason: self.reason.clone(),
            lines: lines.iter().map(RmaLine::to_response).collect(),
            refund_cents: self.refund_cents,
            restocked: self.restocked_at.is_some(),
            refunded: self.refunded_at.is_some(),
            last_error,
            created_at: self.created_at,
            received_at: self.received_at,
            refunded_at: self.refunded_at,
        }
    }
}
