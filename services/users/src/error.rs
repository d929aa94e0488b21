//! How the users service's typed failures are answered: each becomes a
//! [`shop_kit::Problem`] here, and only here.

use actix_web::http::StatusCode;
use shop_client::wire::ErrorCode;
use shop_kit::{Problem, idempotency};

use crate::{app::wallet::WalletError, hashers::HashError};

/// Every handler returns this error; see [`shop_kit::Problem`].
pub type ApiError = Problem;

impl From<WalletError> for Problem {
    fn from(error: WalletError) -> Self {
        match error {
            WalletError::NoWallet => Problem::not_found("wallet"),
            WalletError::InsufficientFunds { balance_cents } => Problem::conflict(
                ErrorCode::InsufficientFunds,
                format!("the wallet holds {balance_cents} cents, not enough for this debit"),
            ),
            WalletError::KeyReused => idempotency::reused(),
            WalletError::KeyInFlight => idempotency::in_progress(ErrorCode::IdempotencyKeyInFlight),
            WalletError::Database(e) => e.into(),
            WalletError::Pool(e) => e.into(),
        }
    }
}

impl From<HashError> for Problem {
    /// Busy hashers are a 503 a client may retry (nothing was done); any
    /// other failure is a 500 with the cause in the log.
    fn from(error: HashError) -> Self {
        match error {
            HashError::Busy => Problem::unavailable(
                ErrorCode::Busy,
                "too many sign-ins and sign-ups at once; retry in a moment",
            )
            .source(error),
            other => Problem::internal(other),
        }
    }
}

/// 401 for a failed login: the same body whether the email exists or not.
pub fn invalid_credentials() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
        "Unauthorized",
    )
    .detail("the email or the password is wrong")
}

/// 429 after too many failed logins.
pub fn too_many_attempts(retry_after: u64) -> Problem {
    Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyAttempts,
        "Too many requests",
    )
    .detail("too many failed logins; try again later")
    .retry_after(retry_after)
}
