//! The `users` table and its queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::users::{Role, UserResponse};
use uuid::Uuid;

use crate::db::{models::wallet::Wallet, schema::users};

/// A user row. The role is stored as its wire name (`text`), mapped here
/// and nowhere else.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    #[diesel(serialize_as = String)]
    pub role: Role,
}

impl User {
    /// Inserts a user and their empty wallet in one transaction; a taken email
    /// is a unique violation on `users_email_key`.
    #[tracing::instrument(skip_all)]
    pub async fn insert(conn: &mut AsyncPgConnection, row: NewUserRow<'_>) -> QueryResult<Self> {
        conn.transaction(async |conn| {
            let user: Self = diesel::insert_into(users::table)
                .values(row)
                .returning(Self::as_returning())
                .get_result(conn)
                .await?;
            Wallet::create(conn, user.id).await?;
            Ok(user)
        })
        .await
    }

    /// The user with this id.
    #[tracing::instrument(skip(conn))]
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        users::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The user with this (normalised) email.
    #[tracing::instrument(skip_all)]
    pub async fn find_by_email(
        conn: &mut AsyncPgConnection,
        email: &str,
    ) -> QueryResult<Option<Self>> {
        users::table
            .filter(users::email.eq(email))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// One page of users, oldest first, and how many there are.
    #[tracing::instrument(skip(conn))]
    pub async fn list(
        conn: &mut AsyncPgConnection,
        limit: i64,
        offset: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let items = users::table
            .order((users::created_at, users::id))
            .limit(limit)
            .offset(offset)
            .select(Self::as_select())
            .load(conn)
            .await?;
        let total = users::table.count().get_result(conn).await?;
        Ok((items, total))
    }

    /// The account as its owner sees it (never the hash).
    pub fn to_response(&self) -> UserResponse {
        UserResponse {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            created_at: self.created_at,
        }
    }
}
