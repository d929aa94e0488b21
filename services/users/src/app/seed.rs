//! Demo data for `SEED_DEMO_DATA=true`: three customers with money in their
//! wallets, and the admin when `ADMIN_PASSWORD` is set. Safe to run at every
//! start: existing accounts are left alone, and the opening credits carry
//! idempotency keys.

use shop_client::wire::users::Role;
use shop_kit::db::PgPool;
use uuid::Uuid;

use crate::{
    app::wallet,
    db::models::user::{NewUserRow, User},
    domain::{new_user::Password, wallet::Movement},
    hashers::PasswordHashers,
};

/// The demo customers: email, name, opening balance in cents.
const CUSTOMERS: [(&str, &str, i64); 3] = [
    ("alice@shop.local", "Alice", 50_000),
    ("bob@shop.local", "Bob", 30_000),
    ("charlie@shop.local", "Charlie", 15_000),
];

/// The demo customers' password (documented in the README; demo data only).
pub const DEMO_PASSWORD: &str = "demo-password";

/// The admin's email.
pub const ADMIN_EMAIL: &str = "admin@shop.local";

/// Creates whatever demo accounts are missing.
pub async fn seed(
    db: &PgPool,
    hashers: &PasswordHashers,
    admin_password: Option<&str>,
) -> anyhow::Result<()> {
    for (email, name, balance) in CUSTOMERS {
        if let Some(user_id) =
            ensure_user(db, hashers, email, name, DEMO_PASSWORD, Role::Customer).await?
        {
            let opening = Movement {
                user_id,
                amount_cents: balance,
                reason: "opening balance (demo data)".to_owned(),
                idempotency_key: Some(format!("seed:{email}")),
            };
            wallet::apply(db, &opening).await?;
        }
    }
    match admin_password {
        Some(password) => {
            ensure_user(db, hashers, ADMIN_EMAIL, "Admin", password, Role::Admin).await?;
        }
        None => tracing::warn!("ADMIN_PASSWORD is not set: no admin account was created"),
    }
    tracing::info!("demo data present");
    Ok(())
}

/// The new user's id when it was created now, `None` when it already existed.
async fn ensure_user(
    db: &PgPool,
    hashers: &PasswordHashers,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> anyhow::Result<Option<Uuid>> {
    let mut conn = db.get().await?;
    if User::find_by_email(&mut conn, email).await?.is_some() {
        return Ok(None);
    }
    let secret = Password::parse(password)
        .map_err(|e| anyhow::anyhow!("invalid configuration: ADMIN_PASSWORD: {e}"))?;
    // Through the pool like every other hash: the hashers' memory is the
    // only Argon2 memory the process ever holds.
    let hash = hashers.hash(secret).await?;
    let row = NewUserRow {
        id: Uuid::now_v7(),
        email,
        name,
        password_hash: &hash,
        role,
    };
    match User::insert(&mut conn, row).await {
        Ok(user) => Ok(Some(user.id)),
        // Another replica seeded it first.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
