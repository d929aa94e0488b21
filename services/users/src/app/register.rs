//! Signing up: a customer account and its empty wallet.

use shop_client::wire::users::{Role, UserResponse};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::user::{NewUserRow, User},
    domain::new_user::NewUser,
    state::AppState,
};

/// Creates a customer account for a parsed registration. A taken email is a
/// 409 naming `email`; every hasher busy is a 503 and nothing is created.
#[tracing::instrument(skip_all)]
pub async fn register(state: &AppState, new_user: NewUser) -> Result<UserResponse, Problem> {
    let NewUser {
        email,
        password,
        name,
    } = new_user;
    // Hashed before a connection is taken: the hash is the slow part, and a
    // pooled connection is not held while waiting for a hasher.
    let password_hash = state.hashers.hash(password).await?;
    let mut conn = state.db.get().await?;
    let user = User::insert(
        &mut conn,
        NewUserRow {
            id: Uuid::now_v7(),
            email: email.as_str(),
            name: name.as_str(),
            password_hash: &password_hash,
            role: Role::Customer,
        },
    )
    .await?;
    tracing::info!(user_id = %user.id, "user registered");
    Ok(user.to_response())
}
