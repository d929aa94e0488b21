//! The `payments` table: one row per order, written before any money moves
//! and settled by the charge's outcome. Statuses, methods and decline codes
//! are the wire enums, stored by name through the attributes below; that is
//! the one place they meet the database.

use chrono::{DateTime, Utc};
use diesel::{
    deserialize::{self, Queryable},
    expression::AsExpression,
    pg::Pg,
    prelude::*,
    sql_types::{Nullable, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::{
    UnknownName,
    payments::{DeclineCode, PaymentKind, PaymentResponse, PaymentStatus},
};
use uuid::Uuid;

use crate::{
    db::schema::payments,
    domain::charge::{Method, NewPayment, Settlement},
};

/// A payment row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments, check_for_backend(Pg))]
pub struct Payment {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub currency: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: PaymentStatus,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub method: PaymentKind,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub refunded_cents: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attempts: i32,
    #[diesel(serialize_as = StoredDeclineCode, deserialize_as = StoredDeclineCode)]
    pub decline_code: Option<DeclineCode>,
    pub provider_ref: Option<String>,
}

/// The nullable `decline_code` column as diesel reads and writes it.
/// diesel converts a column through a type of this crate's own: `String`
/// does for the non-null enums, but no conversion between `Option<String>`
/// and `Option<DeclineCode>` may be written outside the crates of both.
#[derive(Debug)]
pub struct StoredDeclineCode(Option<String>);

impl From<Option<DeclineCode>> for StoredDeclineCode {
    fn from(code: Option<DeclineCode>) -> Self {
        Self(code.map(String::from))
    }
}

impl TryFrom<StoredDeclineCode> for Option<DeclineCode> {
    type Error = UnknownName;

    fn try_from(stored: StoredDeclineCode) -> Result<Self, Self::Error> {
        stored.0.map(DeclineCode::try_from).transpose()
    }
}

impl Queryable<Nullable<Text>, Pg> for StoredDeclineCode {
    type Row = Option<String>;

    fn build(row: Option<String>) -> deserialize::Result<Self> {
        Ok(Self(row))
    }
}

impl AsExpression<Nullable<Text>> for StoredDeclineCode {
    type Expression = <Option<String> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0)
    }
}

impl Payment {
    /// The row for a new charge: `pending`, with the card's brand and last
    /// four digits only, and its first attempt counted (so a crash during
    /// it leaves a trace).
    pub fn pending(new: &NewPayment, currency: &str) -> Self {
        let (card_brand, card_last4) = match &new.method {
            Method::Card(card) => (
                Some(card.number.brand().to_owned()),
                Some(card.number.last4().to_owned()),
            ),
            Method::Wallet => (None, None),
        };
        let now = Utc::now();
        Self {
            id: Uuid::now_v7(),
            order_id: new.order_id,
            user_id: new.user_id,
            amount_cents: new.amount_cents,
            currency: currency.to_owned(),
            status: PaymentStatus::Pending,
            method: new.method.kind(),
            card_brand,
            card_last4,
            refunded_cents: 0,
            created_at: now,
            updated_at: now,
            attempts: 1,
            decline_code: None,
            provider_ref: None,
        }
    }

    /// Inserts the payment unless the order already has one; `None` then.
    #[tracing::instrument(skip_all, fields(order_id = %row.order_id))]
    pub async fn insert_if_absent(
        conn: &mut AsyncPgConnection,
        row: Self,
    ) -> QueryResult<Option<Self>> {
        diesel::insert_into(payments::table)
            .values(row)
            .on_conflict(payments::order_id)
            .do_nothing()
            .returning(Self::as_returning())
            .get_result(conn)
            .await
            .optional()
    }

    /// The payment with this id.
    #[tracing::instrument(skip(conn))]
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        payments::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The order's payment (an order has at most one).
    #[tracing::instrument(skip(conn))]
    pub async fn find_by_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        payments::table
            .filter(payments::order_id.eq(order_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The payment, locked until the end of the transaction, so refunds
    /// of it are booked one at a time.
    pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        payments::table
            .find(id)
            .for_update()
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// One user's payments for an order (or every user's, for admins).
    #[tracing::instrument(skip(conn))]
    pub async fn for_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
        user_id: Option<Uuid>,
    ) -> QueryResult<Vec<Self>> {
        let mut query = payments::table
            .filter(payments::order_id.eq(order_id))
            .into_boxed();
        if let Some(user_id) = user_id {
            query = query.filter(payments::user_id.eq(user_id));
        }
        query.select(Self::as_select()).load(conn).await
    }

    /// Takes over a pending payment nobody has touched for `stale_secs`
    /// (its driver crashed or gave up); `None` when someone else holds it.
    pub async fn claim_stale(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        stale_secs: i64,
    ) -> QueryResult<Option<Self>> {
        let cutoff = Utc::now() - chrono::Duration::seconds(stale_secs);
        diesel::update(
            payments::table.filter(
                payments::id
                    .eq(id)
                    .and(payments::status.eq(PaymentStatus::Pending.as_str()))
                    .and(payments::updated_at.lt(cutoff)),
            ),
        )
        .set(payments::updated_at.eq(diesel::dsl::now))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// Records charge attempt `attempt` (so a crash mid-charge leaves a trace).
    pub async fn record_attempt(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        attempt: u32,
    ) -> QueryResult<()> {
        diesel::update(payments::table.find(id))
            .set((
                payments::attempts.eq(i32::try_from(attempt).unwrap_or(i32::MAX)),
                payments::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Settles the payment in `status` if it is still pending, and answers
    /// it as it now is (a payment settled by another driver stays as that
    /// one left it).
    pub async fn settle(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        status: PaymentStatus,
        settlement: &Settlement,
    ) -> QueryResult<Self> {
        diesel::update(
            payments::table.filter(
                payments::id
                    .eq(id)
                    .and(payments::status.eq(PaymentStatus::Pending.as_str())),
            ),
        )
        .set((
            payments::status.eq(status.as_str()),
            payments::decline_code.eq(settlement.decline_code().map(DeclineCode::as_str)),
            payments::provider_ref.eq(settlement.reference()),
            payments::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
        payments::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
    }

    /// Counts `amount_cents` more as refunded (booked before it is paid out).
    pub async fn add_refunded(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        amount_cents: i64,
    ) -> QueryResult<Self> {
        diesel::update(payments::table.find(id))
            .set((
                payments::refunded_cents.eq(payments::refunded_cents + amount_cents),
                payments::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// Moves the payment to `status` (decided by `domain::status::next`).
    pub async fn set_status(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        status: PaymentStatus,
    ) -> QueryResult<Self> {
        diesel::update(payments::table.find(id))
            .set((
                payments::status.eq(status.as_str()),
                payments::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The payment as its owner sees it.
    pub fn to_response(&self) -> PaymentResponse {
        PaymentResponse {
            id: self.id,
            order_id: self.order_id,
            user_id: self.user_id,
            status: self.status,
            amount_cents: self.amount_cents,
            refunded_cents: self.refunded_cents,
            currency: self.currency.clone(),
            method: self.method,
            card_brand: self.card_brand.clone(),
            card_last4: self.card_last4.clone(),
            decline_code: self.decline_code,
            attempts: self.attempts,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}
