//! The `payments` table: one row per order, whatever the callers retry.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::payments::PaymentResponse;
use uuid::Uuid;

use crate::db::schema::payments;

/// A payment row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments, check_for_backend(Pg))]
pub struct Payment {
    pub id: Uuid,
    pub order_id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub currency: String,
    pub status: String,
    pub method: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub refunded_cents: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub attempts: i32,
    pub decline_code: Option<String>,
    pub provider_ref: Option<String>,
}

/// Statuses after which a payment never changes again (but for refunds).
pub fn is_settled(status: &str) -> bool {
    status != "pending"
}

impl Payment {
    /// Inserts the payment unless the order already has one; `None` then.
    #[tracing::instrument(skip_all, fields(order_id = %row.order_id))]
    pub async fn insert_if_absent(
        conn: &mut AsyncPgConnection,
        row: &Self,
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

    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        payments::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

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
                    .and(payments::status.eq("pending"))
                    .and(payments::updated_at.lt(cutoff)),
            ),
        )
        .set(payments::updated_at.eq(diesel::dsl::now))
        .returning(Self::as_returning())
        .get_result(conn)
        .await
        .optional()
    }

    /// Records a charge attempt (so a crash mid-charge leaves a trace).
    pub async fn record_attempt(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        attempt: i32,
    ) -> QueryResult<()> {
        diesel::update(payments::table.find(id))
            .set((
                payments::attempts.eq(attempt),
                payments::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Settles a pending payment: `succeeded`, `declined` or `failed`.
    pub async fn settle(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        status: &str,
        decline_code: Option<&str>,
        provider_ref: Option<&str>,
    ) -> QueryResult<Self> {
        diesel::update(
            payments::table.filter(payments::id.eq(id).and(payments::status.eq("pending"))),
        )
        .set((
            payments::status.eq(status),
            payments::decline_code.eq(decline_code),
            payments::provider_ref.eq(provider_ref),
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

    /// One user's payments for an order (or every user's, for admins).
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

    pub fn to_response(&self) -> PaymentResponse {
        PaymentResponse {
            id: self.id,
            order_id: self.order_id,
            user_id: self.user_id,
            status: self.status.clone(),
            amount_cents: self.amount_cents,
            refunded_cents: self.refunded_cents,
            currency: self.currency.clone(),
            method: self.method.clone(),
            card_brand: self.card_brand.clone(),
            card_last4: self.card_last4.clone(),
            decline_code: self.decline_code.clone(),
            attempts: self.attempts,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}
