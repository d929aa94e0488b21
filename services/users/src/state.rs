//! [`AppState`]: what every route and use case of the users service can reach.

use shop_kit::db::PgPool;

use crate::{hashers::PasswordHashers, throttle::LoginThrottle, tokens::TokenIssuer};

/// The pools, adapters and settings handlers and use cases share (one per
/// process, in `web::Data`).
pub struct AppState {
    pub db: PgPool,
    pub tokens: TokenIssuer,
    /// Every password hash and check goes through these.
    pub hashers: PasswordHashers,
    pub throttle: LoginThrottle,
    /// `STORE_CURRENCY`: the wallets' currency.
    pub currency: String,
    /// Verified against when the email is unknown, so a failed login costs
    /// the same whether the account exists or not.
    pub dummy_hash: String,
}
