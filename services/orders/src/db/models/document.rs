//! Invoices and credit notes, numbered `INV-YYYY-NNNNNN` and `CN-YYYY-NNNNNN`
//! without gaps (`shop_kit::numbering`).

use chrono::{DateTime, Datelike as _, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::orders::CreditNoteResponse;
use uuid::Uuid;

use diesel::sql_types::{BigInt, Integer, Jsonb, Text, Timestamptz};
use shop_kit::numbering::{NEXT_NUMBER_SQL, next_number};

use crate::db::schema::{credit_notes, invoices};

#[derive(QueryableByName)]
struct Issued {
    #[diesel(sql_type = Text)]
    number: String,
}

/// An invoice row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices, check_for_backend(Pg))]
pub struct Invoice {
    pub id: Uuid,
    pub order_id: Uuid,
    pub number: String,
    pub total_cents: i64,
    pub currency: String,
    pub issued_at: DateTime<Utc>,
}

impl Invoice {
    /// Issues the order's invoice and completes the checkout's stored reply
    /// with its number, in one statement: the invoice counter's row lock is
    /// then held only for this statement and the commit after it. Call it
    /// last in the transaction that marks the order paid; `reply` is the 201
    /// body with `invoice_id` already set and `invoice_number` to fill in.
    pub async fn issue_with_reply(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        order_id: Uuid,
        total_cents: i64,
        currency: &str,
        reply: &serde_json::Value,
    ) -> QueryResult<String> {
        let now = Utc::now();
        let issued: Issued = diesel::sql_query(format!(
            "WITH n AS ({NEXT_NUMBER_SQL}), \
             invoice AS ( \
               INSERT INTO invoices (id, order_id, number, total_cents, currency, issued_at) \
               SELECT $3, $4, n.number, $5, $6, $7 FROM n RETURNING number) \
             UPDATE checkout_keys \
             SET response_status = 201, \
                 response_body = jsonb_set($8, '{{invoice_number}}', to_jsonb(invoice.number)) \
             FROM invoice \
             WHERE checkout_keys.order_id = $4 AND checkout_keys.response_status IS NULL \
             RETURNING invoice.number AS number"
        ))
        .bind::<Text, _>("INV")
        .bind::<Integer, _>(now.year())
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Uuid, _>(order_id)
        .bind::<BigInt, _>(total_cents)
        .bind::<Text, _>(currency)
        .bind::<Timestamptz, _>(now)
        .bind::<Jsonb, _>(reply)
        .get_result(conn)
        .await?;
        Ok(issued.number)
    }

    pub async fn for_order(
        conn: &mut AsyncPgConnection,
        order_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        invoices::table
            .filter(invoices::order_id.eq(order_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The invoices of many orders in one query: order id -> (id, number).
    pub async fn numbers_for(
        conn: &mut AsyncPgConnection,
        order_ids: &[Uuid],
    ) -> QueryResult<std::collections::HashMap<Uuid, (Uuid, String)>> {
        let rows: Vec<(Uuid, Uuid, String)> = invoices::table
            .filter(invoices::order_id.eq_any(order_ids))
            .select((invoices::order_id, invoices::id, invoices::number))
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(order, id, number)| (order, (id, number)))
            .collect())
    }
}

/// A credit note row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_notes, check_for_backend(Pg))]
pub struct CreditNote {
    pub id: Uuid,
    pub order_id: Uuid,
    pub invoice_id: Uuid,
    pub number: String,
    pub amount_cents: i64,
    pub reason: String,
    pub idempotency_key: String,
    pub created_at: DateTime<Utc>,
}

impl CreditNote {
    /// Issues a credit note unless one exists for `key`; `(note, created)`.
    pub async fn issue(
        conn: &mut AsyncPgConnection,
        invoice: &Invoice,
        amount_cents: i64,
        reason: &str,
        key: &str,
    ) -> QueryResult<(Self, bool)> {
        if let Some(existing) = Self::find_by_key(conn, key).await? {
            return Ok((existing, false));
        }
        let now = Utc::now();
        let number = next_number(conn, "CN", now).await?;
        let note = diesel::insert_into(credit_notes::table)
            .values(&Self {
                id: Uuid::now_v7(),
                order_id: invoice.order_id,
                invoice_id: invoice.id,
                number,
                amount_cents,
                reason: reason.to_owned(),
                idempotency_key: key.to_owned(),
                created_at: now,
            })
            .returning(Self::as_returning())
            .get_result(conn)
            .await?;
        Ok((note, true))
    }

    pub async fn find_by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Self>> {
        credit_notes::table
            .filter(credit_notes::idempotency_key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    pub async fn for_order(conn: &mut AsyncPgConnection, order_id: Uuid) -> QueryResult<Vec<Self>> {
        credit_notes::table
            .filter(credit_notes::order_id.eq(order_id))
            .order(credit_notes::number)
            .select(Self::as_select())
            .load(conn)
            .await
    }

    pub fn to_response(&self) -> CreditNoteResponse {
        CreditNoteResponse {
            id: self.id,
            number: self.number.clone(),
            order_id: self.order_id,
            invoice_id: self.invoice_id,
            amount_cents: self.amount_cents,
            reason: self.reason.clone(),
            created_at: self.created_at,
        }
    }
}
