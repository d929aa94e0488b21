//! The `refunds` table: money going back, once per idempotency key. The
//! rules (never more than was captured, a key reused for another refund)
//! are the refund workflow's, in `app::refund`; these are its queries.

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::payments::{RefundResponse, RefundStatus};
use uuid::Uuid;

use crate::{db::schema::refunds, domain::refund::NewRefund};

/// A refund row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refunds, check_for_backend(Pg))]
pub struct Refund {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub amount_cents: i64,
    pub idempotency_key: String,
    pub reason: String,
    #[diesel(serialize_as = String, deserialize_as = String)]
    pub status: RefundStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Refund {
    /// The refund booked under `key`, whichever payment it was for.
    pub async fn find_by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Self>> {
        refunds::table
            .filter(refunds::idempotency_key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Books a new refund, `pending` until it is paid out.
    pub async fn insert(conn: &mut AsyncPgConnection, new: &NewRefund) -> QueryResult<Self> {
        let now = Utc::now();
        let row = Self {
            id: Uuid::now_v7(),
            payment_id: new.payment_id,
            amount_cents: new.amount_cents,
            idempotency_key: new.key.as_str().to_owned(),
            reason: new.reason.clone(),
            status: RefundStatus::Pending,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(refunds::table)
            .values(row)
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// Marks the refund paid out.
    pub async fn mark_succeeded(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Self> {
        diesel::update(refunds::table.find(id))
            .set((
                refunds::status.eq(RefundStatus::Succeeded.as_str()),
                refunds::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The refund as its caller sees it.
    pub fn to_response(&self) -> RefundResponse {
        RefundResponse {
            id: self.id,
            payment_id: self.payment_id,
            amount_cents: self.amount_cents,
            status: self.status,
            reason: self.reason.clone(),
            created_at: self.created_at,
        }
    }
}
