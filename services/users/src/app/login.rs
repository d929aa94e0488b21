//! Signing in: a short-lived access token for the right email and password,
//! with failed attempts counted (see [`crate::throttle`]).

use shop_client::wire::users::TokenResponse;
use shop_kit::Problem;

use crate::{db::models::user::User, domain::new_user::Email, state::AppState};

/// What a sign-in attempt came to. No `Debug`: it may carry a token.
pub enum Login {
    /// The password matched: a fresh access token.
    SignedIn(TokenResponse),
    /// The email is unknown or the password wrong: one answer for both.
    Refused,
    /// Too many failures for this email or address in the window.
    Throttled { retry_after_secs: u64 },
}

/// Checks `password` for `email`, asked from `ip`. An unknown email and a
/// wrong password get the same answer after the same work (a hash is always
/// verified), so neither the answer nor its timing tells which it was.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    email: &Email,
    password: String,
    ip: &str,
) -> Result<Login, Problem> {
    let email = email.as_str();
    if let Some(retry_after_secs) = state.throttle.blocked_for(email, ip).await {
        return Ok(Login::Throttled { retry_after_secs });
    }
    let user = {
        let mut conn = state.db.get().await?;
        User::find_by_email(&mut conn, email).await?
    };
    let stored_hash = user
        .as_ref()
        .map_or_else(|| state.dummy_hash.clone(), |u| u.password_hash.clone());
    let matches = state.hashers.verify(password, stored_hash).await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            state.throttle.record_failure(email, ip).await;
            return Ok(Login::Refused);
        }
    };
    state.throttle.reset(email).await;
    let access_token = state
        .tokens
        .issue(user.id, user.role)
        .map_err(Problem::internal)?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(Login::SignedIn(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl_secs(),
    }))
}
