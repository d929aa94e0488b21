//! The `orders` and `order_lines` tables. Status changes go through
//! [`Order::transition`], which asks the state machine first and updates only
//! from the status the caller saw.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{orders::OrderResponse, payments::PaymentKind, users::Address};
use uuid::Uuid;

use super::order_line::OrderLineRow;
use crate::{
    db::schema::{order_lines, orders},
    domain::status::{OrderRules as _, OrderStatus},
};

/// An order row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = orders, check_for_backend(Pg))]
pub struct Order {
    pub id: Uuid,
    pub user_id: Uuid,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: OrderStatus,
    pub total_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub payment_method: PaymentKind,
    pub payment_id: Option<Uuid>,
    pub failure_code: Option<String>,
    pub shipping_address: serde_json::Value,
    pub lease_until: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The statuses a checkout leaves behind when it stops half-way.
const UNFINISHED: [OrderStatus; 2] = [OrderStatus::Pending, OrderStatus::Reserved];

/// What a status change may also set.
#[derive(Debug, Default)]
pub struct Changes<'a> {
    pub failure_code: Option<&'a str>,
    pub payment_id: Option<Uuid>,
    pub delivered: bool,
    /// The driver is done with the order: give the lease back in the same update.
    pub release_lease: bool,
}

/// Which orders a list shows; every `None` lets all through.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OrderFilter {
    /// One buyer's orders only.
    pub user_id: Option<Uuid>,
    pub status: Option<OrderStatus>,
    /// Created at or after this instant.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before this instant (half-open, so consecutive ranges never
    /// count an order twice).
    pub created_to: Option<DateTime<Utc>>,
}

impl OrderFilter {
    /// The rows the filter lets through, boxed because each filter is optional.
    fn query(&self) -> orders::BoxedQuery<'static, Pg> {
        let mut query = orders::table.into_boxed();
        if let Some(user_id) = self.user_id {
            query = query.filter(orders::user_id.eq(user_id));
        }
        if let Some(status) = self.status {
            query = query.filter(orders::status.eq(status.as_str()));
        }
        if let Some(from) = self.created_from {
            query = query.filter(orders::created_at.ge(from));
        }
        if let Some(to) = self.created_to {
            query = query.filter(orders::created_at.lt(to));
        }
        query
    }
}

impl Order {
    /// Where the order ships.
    pub fn address(&self) -> Address {
        serde_json::from_value(self.shipping_address.clone()).unwrap_or_else(|_| Address {
            name: String::new(),
            line1: String::new(),
            line2: None,
            city: String::new(),
            postal_code: String::new(),
            country: String::new(),
        })
    }

    /// Writes a new order and its lines.
    pub async fn insert(
        conn: &mut AsyncPgConnection,
        order: &Self,
        lines: &[OrderLineRow],
    ) -> QueryResult<()> {
        diesel::insert_into(orders::table)
            .values(order.clone())
            .execute(conn)
            .await?;
        diesel::insert_into(order_lines::table)
            .values(lines)
            .execute(conn)
            .await
            .map(drop)
    }

    /// The order, if there is one.
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        orders::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order locked for the rest of the transaction.
    pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Self> {
        orders::table
            .find(id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
    }

    /// The order's lines, by sku.
    pub async fn lines(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Vec<OrderLineRow>> {
        order_lines::table
            .filter(order_lines::order_id.eq(id))
            .order(order_lines::sku)
            .select(OrderLineRow::as_select())
            .load(conn)
            .await
    }

    /// The lines of many orders in one query.
    pub async fn lines_of(
        conn: &mut AsyncPgConnection,
        ids: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, Vec<OrderLineRow>>> {
        let rows: Vec<OrderLineRow> = order_lines::table
            .filter(order_lines::order_id.eq_any(ids))
            .order((order_lines::order_id, order_lines::sku))
            .select(OrderLineRow::as_select())
            .load(conn)
            .await?;
        let mut by_order: HashMap<Uuid, Vec<OrderLineRow>> = HashMap::new();
        for row in rows {
            by_order.entry(row.order_id).or_default().push(row);
        }
        Ok(by_order)
    }

    /// The orders `filter` lets through, newest first (the id breaks ties),
    /// one page of them, and how many there are on every page.
    #[tracing::instrument(skip_all, fields(limit = limit, offset = offset))]
    pub async fn list(
        conn: &mut AsyncPgConnection,
        filter: &OrderFilter,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let items = filter
            .query()
            .order((orders::created_at.desc(), orders::id.desc()))
            .limit(limit)
            .offset(offset)
            .select(Self::as_select())
            .load(conn)
            .await?;
        // The same filter, so `total` counts exactly what the pages hold.
        let total = filter.query().count().get_result(conn).await?;
        Ok((items, total))
    }

    /// Takes the right to drive an unfinished order for `lease`; `None` when
    /// someone else holds it or the order has moved on.
    pub async fn acquire_lease(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        lease: chrono::Duration,
    ) -> QueryResult<Option<Self>> {
        let now = Utc::now();
        diesel::update(
            orders::table.filter(
                orders::id
                    .eq(id)
                    .and(orders::status.eq_any(UNFINISHED.map(OrderStatus::as_str)))
                    .and(
                        orders::lease_until
                            .is_null()
                            .or(orders::lease_until.lt(now)),
                    ),
            ),
        )
        .set(orders::lease_until.eq(now + lease))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// Gives the lease back so a retry or the recovery worker may go on at once.
    pub async fn release_lease(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
        diesel::update(orders::table.find(id))
            .set(orders::lease_until.eq(None::<DateTime<Utc>>))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Moves the order from `from` to `to` if the state machine allows it and
    /// nobody moved it first; `None` when it was no longer `from`.
    pub async fn transition(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        from: OrderStatus,
        to: OrderStatus,
        changes: Changes<'_>,
    ) -> QueryResult<Option<Self>> {
        if !from.can_become(to) {
            return Err(diesel::result::Error::QueryBuilderError(
                format!("an order may not go from {from} to {to}").into(),
            ));
        }
        let now = Utc::now();
        diesel::update(
            orders::table.filter(orders::id.eq(id).and(orders::status.eq(from.as_str()))),
        )
        .set((
            orders::status.eq(to.as_str()),
            orders::updated_at.eq(now),
            changes.failure_code.map(|c| orders::failure_code.eq(c)),
            changes.payment_id.map(|p| orders::payment_id.eq(p)),
            changes.delivered.then_some(orders::delivered_at.eq(now)),
            changes
                .release_lease
                .then_some(orders::lease_until.eq(None::<DateTime<Utc>>)),
        ))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// Adds refunded money (never above the total: the database checks).
    pub async fn add_refunded(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        amount_cents: i64,
    ) -> QueryResult<Self> {
        diesel::update(orders::table.find(id))
            .set((
                orders::refunded_cents.eq(orders::refunded_cents + amount_cents),
                orders::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// Orders a checkout left unfinished, untouched for `older_than`, that
    /// nobody is driving.
    pub async fn stuck(
        conn: &mut AsyncPgConnection,
        older_than: chrono::Duration,
        limit: i64,
    ) -> QueryResult<Vec<Uuid>> {
        let now = Utc::now();
        orders::table
            .filter(orders::status.eq_any(UNFINISHED.map(OrderStatus::as_str)))
            .filter(orders::updated_at.lt(now - older_than))
            .filter(
                orders::lease_until
                    .is_null()
                    .or(orders::lease_until.lt(now)),
            )
            .order(orders::updated_at)
            .limit(limit)
            .select(orders::id)
            .load(conn)
            .await
    }

    /// The order as its buyer (or an admin) sees it.
    pub fn to_response(
        &self,
        lines: &[OrderLineRow],
        invoice: Option<(Uuid, String)>,
    ) -> OrderResponse {
        let (invoice_id, invoice_number) = invoice.unzip();
        OrderResponse {
            id: self.id,
            order_id: self.id,
            user_id: self.user_id,
            status: self.status,
            total_cents: self.total_cents,
            refunded_cents: self.refunded_cents,
            currency: self.currency.clone(),
            payment_method: self.payment_method,
            payment_id: self.payment_id,
            invoice_id,
            invoice_number,
            failure_code: self.failure_code.clone(),
            lines: lines.iter().map(OrderLineRow::to_wire).collect(),
            shipping_address: self.address(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            delivered_at: self.delivered_at,
        }
    }
}
