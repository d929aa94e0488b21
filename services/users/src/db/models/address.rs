//! The `addresses` table and its queries. Every query is scoped to its owner.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::users::{Address, AddressResponse};
use uuid::Uuid;

use crate::db::schema::addresses;

/// An address row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = addresses, check_for_backend(diesel::pg::Pg))]
pub struct AddressRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub created_at: DateTime<Utc>,
}

impl AddressRow {
    /// A new row for `user_id` from a normalised address.
    pub fn new(user_id: Uuid, address: Address) -> Self {
        Self {
            id: Uuid::now_v7(),
            user_id,
            name: address.name,
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            postal_code: address.postal_code,
            country: address.country,
            created_at: Utc::now(),
        }
    }

    /// Saves the address.
    #[tracing::instrument(skip_all)]
    pub async fn insert(conn: &mut AsyncPgConnection, row: &Self) -> QueryResult<Self> {
        diesel::insert_into(addresses::table)
            .values(row)
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The owner's addresses, oldest first.
    #[tracing::instrument(skip(conn))]
    pub async fn list(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Vec<Self>> {
        addresses::table
            .filter(addresses::user_id.eq(user_id))
            .order((addresses::created_at, addresses::id))
            .select(Self::as_select())
            .load(conn)
            .await
    }

    /// The owner's address; `None` when it is not theirs or not there.
    #[tracing::instrument(skip(conn))]
    pub async fn find(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        id: Uuid,
    ) -> QueryResult<Option<Self>> {
        addresses::table
            .filter(addresses::id.eq(id).and(addresses::user_id.eq(user_id)))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Deletes the owner's address; false when it is not theirs or not there.
    #[tracing::instrument(skip(conn))]
    pub async fn delete(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        id: Uuid,
    ) -> QueryResult<bool> {
        let deleted = diesel::delete(
            addresses::table.filter(addresses::id.eq(id).and(addresses::user_id.eq(user_id))),
        )
        .execute(conn)
        .await?;
        Ok(deleted == 1)
    }

    /// The address as its owner (and checkout) sees it.
    pub fn to_response(&self) -> AddressResponse {
        AddressResponse {
            id: self.id,
            address: Address {
                name: self.name.clone(),
                line1: self.line1.clone(),
                line2: self.line2.clone(),
                city: self.city.clone(),
                postal_code: self.postal_code.clone(),
                country: self.country.clone(),
            },
            created_at: self.created_at,
        }
    }
}
