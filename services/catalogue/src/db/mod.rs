//! The catalogue's database: schema, models and their queries, and the demo
//! data loader.

pub mod models;
pub mod schema;
pub mod seed;

/// The migrations embedded in the binary and run at start-up.
pub const MIGRATIONS: diesel_migrations::EmbeddedMigrations =
    shop_kit::db::embed_migrations!("migrations");
