//! The `wallets` and `wallet_entries` tables: a balance that never goes
//! negative, and the ledger of every movement with the key it was applied
//! under. How a movement is applied once is `app::wallet`'s business; these
//! are the queries it composes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shop_client::wire::users::{WalletEntryResponse, WalletMovementResponse};
use shop_kit::idempotency::{Fingerprint, Stored};
use uuid::Uuid;

use crate::{
    db::schema::{wallet_entries, wallets},
    domain::wallet::Movement,
};

/// A wallet row: one per user, created with the account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wallets, check_for_backend(diesel::pg::Pg))]
pub struct Wallet {
    pub user_id: Uuid,
    pub balance_cents: i64,
    pub updated_at: DateTime<Utc>,
}

impl Wallet {
    /// Creates an empty wallet (in the account's transaction).
    pub async fn create(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
        diesel::insert_into(wallets::table)
            .values(wallets::user_id.eq(user_id))
            .execute(conn)
            .await
            .map(drop)
    }

    /// The balance; `None` when the user has no wallet.
    #[tracing::instrument(skip(conn))]
    pub async fn balance(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<i64>> {
        wallets::table
            .find(user_id)
            .select(wallets::balance_cents)
            .get_result(conn)
            .await
            .optional()
    }

    /// Adds `amount_cents` (negative for a debit) unless the balance would go
    /// below zero: the new balance, or `None` when nothing changed (no
    /// wallet, or too little in it). One conditional `UPDATE`, so concurrent
    /// debits serialise on the row and can never take it below zero.
    pub async fn shift(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        amount_cents: i64,
    ) -> QueryResult<Option<i64>> {
        diesel::update(
            wallets::table.filter(
                wallets::user_id
                    .eq(user_id)
                    .and((wallets::balance_cents + amount_cents).ge(0)),
            ),
        )
        .set((
            wallets::balance_cents.eq(wallets::balance_cents + amount_cents),
            wallets::updated_at.eq(diesel::dsl::now),
        ))
        .returning(wallets::balance_cents)
        .get_result(conn)
        .await
        .optional()
    }
}

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
    /// The entry recording `movement`, which left the wallet at `balance_after_cents`.
    pub fn new(movement: &Movement, balance_after_cents: i64) -> Self {
        Self {
            id: Uuid::now_v7(),
            user_id: movement.user_id,
            amount_cents: movement.amount_cents,
            balance_after_cents,
            reason: movement.reason.clone(),
            idempotency_key: movement.idempotency_key.clone(),
            request_fingerprint: movement
                .idempotency_key
                .as_ref()
                .map(|_| movement.fingerprint().as_str().to_owned()),
            created_at: Utc::now(),
        }
    }

    /// The `limit` most recent entries of a wallet, newest first.
    #[tracing::instrument(skip(conn))]
    pub async fn recent(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        limit: i64,
    ) -> QueryResult<Vec<Self>> {
        wallet_entries::table
            .filter(wallet_entries::user_id.eq(user_id))
            .order((wallet_entries::created_at.desc(), wallet_entries::id.desc()))
            .limit(limit)
            .select(Self::as_select())
            .load(conn)
            .await
    }

    /// The entry applied under `key`, if any.
    pub async fn find_by_key(conn: &mut AsyncPgConnection, key: &str) -> QueryResult<Option<Self>> {
        wallet_entries::table
            .filter(wallet_entries::idempotency_key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Inserts the entry; `None` when its key is taken (the unique index
    /// makes a racing request with the same key wait for the first, then
    /// find its row).
    pub async fn insert_once(
        conn: &mut AsyncPgConnection,
        entry: &Self,
    ) -> QueryResult<Option<Self>> {
        diesel::insert_into(wallet_entries::table)
            .values(entry)
            .on_conflict_do_nothing()
            .returning(Self::as_returning())
            .get_result(conn)
            .await
            .optional()
    }

    /// What this entry's key stands for, to judge a repeat by. Entries
    /// written before fingerprints were SHA-256 digests hold
    /// `"{user_id}:{amount_cents}"`: exactly what the entry itself records,
    /// so their fingerprint is rebuilt from it and old keys still replay.
    pub fn stored(self) -> Stored<Self> {
        let fingerprint = match &self.request_fingerprint {
            Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Fingerprint::stored(hex.clone())
            }
            _ => Movement::fingerprint_of(self.user_id, self.amount_cents),
        };
        Stored {
            fingerprint,
            outcome: Some(self),
        }
    }

    /// The entry in the wallet view.
    pub fn to_response(&self) -> WalletEntryResponse {
        WalletEntryResponse {
            id: self.id,
            amount_cents: self.amount_cents,
            balance_after_cents: self.balance_after_cents,
            reason: self.reason.clone(),
            created_at: self.created_at,
        }
    }

    /// The entry as the outcome of the movement that wrote it.
    pub fn to_movement(&self) -> WalletMovementResponse {
        WalletMovementResponse {
            entry_id: self.id,
            user_id: self.user_id,
            amount_cents: self.amount_cents,
            balance_cents: self.balance_after_cents,
        }
    }
}
