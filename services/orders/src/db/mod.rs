//! The orders service's database.

pub mod models;
pub mod schema;

/// The migrations embedded in the binary and run at start-up.
pub const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    shop_kit::db::embed_migrations!("migrations");
