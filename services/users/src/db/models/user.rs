//! The `users` table and its queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::users::UserResponse;
use uuid::Uuid;

use crate::db::schema::users;

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
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
    pub role: &'a str,
}

impl User {
    /// Inserts a user; a taken email is a unique violation on `users_email_key`.
    #[tracing::instrument(skip_all)]
    pub async fn insert(conn: &mut AsyncPgConnection, row: &NewUserRow<'_>) -> QueryResult<Self> {
        diesel::insert_into(users::table)
            .values(row)
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The account as its owner sees it (never the hash).
    pub fn to_response(&self) -> UserResponse {
        UserResponse {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role.clone(),
            created_at: self.created_at,
        }
    }
}
