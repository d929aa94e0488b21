//! Money in and out of a wallet: each movement applied atomically, never
//! below zero, and exactly once per idempotency key (judged by
//! [`shop_kit::idempotency`]); and the wallet as its owner sees it.

use diesel_async::{AsyncConnection, AsyncPgConnection, pooled_connection::deadpool::PoolError};
use shop_client::wire::users::{WalletMovementResponse, WalletResponse};
use shop_kit::{
    Problem,
    db::PgPool,
    idempotency::{self, Decision, Fingerprint},
};
use uuid::Uuid;

use crate::{
    db::models::wallet::{Wallet, WalletEntry},
    domain::wallet::Movement,
    state::AppState,
};

/// How many ledger entries the wallet view shows.
pub const RECENT_ENTRIES: i64 = 20;

/// A movement that went through: now, or earlier under the same key.
#[derive(Debug)]
pub enum Applied {
    /// Applied by this request.
    New(WalletMovementResponse),
    /// Applied before under this key: the first outcome, unchanged.
    Replayed(WalletMovementResponse),
}

impl Applied {
    /// The outcome either way.
    pub fn into_response(self) -> WalletMovementResponse {
        match self {
            Self::New(outcome) | Self::Replayed(outcome) => outcome,
        }
    }
}

/// Why a movement was not applied (nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The user has no wallet (no such user).
    #[error("no wallet for this user")]
    NoWallet,
    /// A debit larger than the balance.
    #[error("the balance of {balance_cents} cents does not cover the debit")]
    InsufficientFunds { balance_cents: i64 },
    /// The key was used for a movement of another amount or wallet.
    #[error("the idempotency key was used for another movement")]
    KeyReused,
    /// Another request with the same key is being applied right now.
    #[error("a movement with this idempotency key is in flight")]
    KeyInFlight,
    /// The database failed (503 when it is unavailable).
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// No connection could be had (503).
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// Applies `movement` once per key.
///
/// The ledger row carries the key under a unique index: when two requests
/// with one key race, the loser's insert waits for the winner's commit and
/// finds its row, the loser's transaction (with its balance change) rolls
/// back, and it answers with the winner's outcome.
#[tracing::instrument(skip_all, fields(user_id = %movement.user_id, amount_cents = movement.amount_cents))]
pub async fn apply(db: &PgPool, movement: &Movement) -> Result<Applied, WalletError> {
    let mut conn = db.get().await?;
    let request = movement.fingerprint();
    let attempt = conn
        .transaction::<_, WalletError, _>(async |conn| {
            if let Some(earlier) = earlier(conn, movement, &request).await? {
                return Ok(earlier);
            }
            let Some(balance_after) =
                Wallet::shift(conn, movement.user_id, movement.amount_cents).await?
            else {
                // A request with the same key may have committed while this
                // one waited for the row: its outcome is the answer.
                if let Some(earlier) = earlier(conn, movement, &request).await? {
                    return Ok(earlier);
                }
                return Err(match Wallet::balance(conn, movement.user_id).await? {
                    None => WalletError::NoWallet,
                    Some(balance_cents) => WalletError::InsufficientFunds { balance_cents },
                });
            };
            let entry = WalletEntry::new(movement, balance_after);
            match WalletEntry::insert_once(conn, &entry).await? {
                Some(entry) => Ok(Applied::New(entry.to_movement())),
                // Rolls the balance change back; the winner is read below.
                None => Err(WalletError::KeyInFlight),
            }
        })
        .await;
    match attempt {
        Err(WalletError::KeyInFlight) => earlier(&mut conn, movement, &request)
            .await?
            .ok_or(WalletError::KeyInFlight),
        outcome => outcome,
    }
}

/// The answer to a key seen before, judged against what its first request
/// asked; `None` when the movement has no key or the key is new.
async fn earlier(
    conn: &mut AsyncPgConnection,
    movement: &Movement,
    request: &Fingerprint,
) -> Result<Option<Applied>, WalletError> {
    let Some(key) = &movement.idempotency_key else {
        return Ok(None);
    };
    let stored = WalletEntry::find_by_key(conn, key)
        .await?
        .map(WalletEntry::stored);
    match idempotency::judge(stored, request) {
        Ok(Decision::New) => Ok(None),
        Ok(Decision::Replay(entry)) => Ok(Some(Applied::Replayed(entry.to_movement()))),
        // Entries are stored with their outcome, so a stored key is never
        // unfinished; were one, its first request would still be running.
        Ok(Decision::Unfinished) => Err(WalletError::KeyInFlight),
        Err(_reused) => Err(WalletError::KeyReused),
    }
}

/// The balance and the most recent movements of `user_id`'s wallet.
#[tracing::instrument(skip(state))]
pub async fn statement(state: &AppState, user_id: Uuid) -> Result<WalletResponse, Problem> {
    let mut conn = state.db.get().await?;
    let balance_cents = Wallet::balance(&mut conn, user_id)
        .await?
        .ok_or_else(|| Problem::not_found("wallet"))?;
    let entries = WalletEntry::recent(&mut conn, user_id, RECENT_ENTRIES).await?;
    Ok(WalletResponse {
        balance_cents,
        currency: state.currency.clone(),
        entries: entries.iter().map(WalletEntry::to_response).collect(),
    })
}
