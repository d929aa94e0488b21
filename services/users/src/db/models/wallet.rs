//! The `wallets` and `wallet_entries` tables: a balance that never goes
//! negative and the ledger of every movement, applied exactly once per key.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use shop_client::wire::users::{WalletEntryResponse, WalletMovementResponse};
use uuid::Uuid;

use crate::db::schema::{wallet_entries, wallets};

/// A ledger row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = wallet_entries, check_for_backend(diesel::pg::Pg))]
pub struct WalletEntry {
    pub id: Uuid,
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub reason: String,
    pub idempotency_key: Option<String>,
    pub request_fingerprint: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl WalletEntry {
    pub fn to_response(&self) -> WalletEntryResponse {
        WalletEntryResponse {
            id: self.id,
            amount_cents: self.amount_cents,
            balance_after_cents: self.balance_after_cents,
            reason: self.reason.clone(),
            created_at: self.created_at,
        }
    }

    pub fn to_movement(&self) -> WalletMovementResponse {
        WalletMovementResponse {
            entry_id: self.id,
            user_id: self.user_id,
            amount_cents: self.amount_cents,
            balance_cents: self.balance_after_cents,
        }
    }
}

/// A debit (negative) or credit (positive) to apply.
#[derive(Debug, Clone)]
pub struct Movement {
    pub user_id: Uuid,
    pub amount_cents: i64,
    pub reason: String,
    pub idempotency_key: Option<String>,
}

impl Movement {
    /// What a key is bound to: the same key with another fingerprint is refused.
    fn fingerprint(&self) -> String {
        format!("{}:{}", self.user_id, self.amount_cents)
    }
}

/// Why a movement was not applied.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error("no wallet for this user")]
    NotFound,
    #[error("the balance of {balance_cents} cents does not cover the debit")]
    InsufficientFunds { balance_cents: i64 },
    #[error("the idempotency key was used for another movement")]
    KeyReused,
    /// Another request with the same key committed first: read its outcome.
    #[error("lost a race on the idempotency key")]
    KeyRace,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Whether the movement happened now or was answered from an earlier one.
#[derive(Debug)]
pub enum Applied {
    New(WalletEntry),
    Replayed(WalletEntry),
}

impl Applied {
    pub fn entry(&self) -> &WalletEntry {
        match self {
            Self::New(entry) | Self::Replayed(entry) => entry,
        }
    }
}

/// Creates an empty wallet (same transaction as the account).
pub async fn create(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::insert_into(wallets::table)
        .values(wallets::user_id.eq(user_id))
        .execute(conn)
        .await
        .map(drop)
}

/// The balance and the `limit` most recent entries.
#[tracing::instrument(skip(conn))]
pub async fn balance_and_entries(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    limit: i64,
) -> QueryResult<(i64, Vec<WalletEntry>)> {
    let balance = wallets::table
        .find(user_id)
        .select(wallets::balance_cents)
        .get_result(conn)
        .await?;
    let entries = wallet_entries::table
        .filter(wallet_entries::user_id.eq(user_id))
        .order((wallet_entries::created_at.desc(), wallet_entries::id.desc()))
        .limit(limit)
        .select(WalletEntry::as_select())
        .load(conn)
        .await?;
    Ok((balance, entries))
}

async fn find_by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<WalletEntry>> {
    wallet_entries::table
        .filter(wallet_entries::idempotency_key.eq(key))
        .select(WalletEntry::as_select())
        .first(conn)
        .await
        .optional()
}

fn replay(movement: &Movement, entry: WalletEntry) -> Result<Applied, WalletError> {
    if entry.request_fingerprint.as_deref() == Some(movement.fingerprint().as_str()) {
        Ok(Applied::Replayed(entry))
    } else {
        Err(WalletError::KeyReused)
    }
}

/// Applies a movement atomically, exactly once per idempotency key.
///
/// The balance changes through one conditional `UPDATE ... WHERE balance +
/// amount >= 0`, so concurrent debits serialise on the row and can never take
/// it below zero. The ledger row carries the key under a unique index: when two
/// requests with one key race, the loser's insert finds the winner's row, its
/// transaction (with its balance change) rolls back, and it answers with the
/// winner's outcome.
#[tracing::instrument(skip(conn), fields(user_id = %movement.user_id, amount_cents = movement.amount_cents))]
pub async fn apply(
    conn: &mut AsyncPgConnection,
    movement: &Movement,
) -> Result<Applied, WalletError> {
    let attempt = conn
        .transaction::<_, WalletError, _>(async |conn| {
            if let Some(key) = &movement.idempotency_key {
                if let Some(entry) = find_by_key(conn, key).await? {
                    return replay(movement, entry);
                }
            }
            let balance: Option<i64> = diesel::update(
                wallets::table.filter(
                    wallets::user_id
                        .eq(movement.user_id)
                        .and((wallets::balance_cents + movement.amount_cents).ge(0)),
                ),
            )
            .set((
                wallets::balance_cents.eq(wallets::balance_cents + movement.amount_cents),
                wallets::updated_at.eq(diesel::dsl::now),
            ))
            .returning(wallets::balance_cents)
            .get_result(conn)
            .await
            .optional()?;
            let Some(balance_after_cents) = balance else {
                // A request with the same key may have committed while this one
                // waited for the row: its outcome is the answer.
                if let Some(key) = &movement.idempotency_key {
                    if let Some(entry) = find_by_key(conn, key).await? {
                        return replay(movement, entry);
                    }
                }
                let current: Option<i64> = wallets::table
                    .find(movement.user_id)
                    .select(wallets::balance_cents)
                    .get_result(conn)
                    .await
                    .optional()?;
                return Err(match current {
                    None => WalletError::NotFound,
                    Some(balance_cents) => WalletError::InsufficientFunds { balance_cents },
                });
            };
            let entry = WalletEntry {
                id: Uuid::now_v7(),
                user_id: movement.user_id,
                amount_cents: movement.amount_cents,
                balance_after_cents,
                reason: movement.reason.clone(),
                idempotency_key: movement.idempotency_key.clone(),
                request_fingerprint: movement
                    .idempotency_key
                    .as_ref()
                    .map(|_| movement.fingerprint()),
                created_at: Utc::now(),
            };
            let inserted = diesel::insert_into(wallet_entries::table)
                .values(&entry)
                .on_conflict_do_nothing()
                .returning(WalletEntry::as_returning())
                .get_result(conn)
                .await
                .optional()?;
            inserted.map(Applied::New).ok_or(WalletError::KeyRace)
        })
        .await;
    match (attempt, &movement.idempotency_key) {
        (Err(WalletError::KeyRace), Some(key)) => match find_by_key(conn, key).await? {
            Some(entry) => replay(movement, entry),
            None => Err(WalletError::KeyRace),
        },
        (result, _) => result,
    }
}
