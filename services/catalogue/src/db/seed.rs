//! Demo data for `SEED_DEMO_DATA=true`: the categories and products in
//! `data/demo-products.json`. Existing rows (by slug or sku) are left alone,
//! so seeding at every start is safe. Their pictures are drawn and uploaded
//! by [`crate::app::demo_pictures`].

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use shop_kit::db::PgPool;
use uuid::Uuid;

use crate::db::schema::{categories, products};

const DEMO_DATA: &str = include_str!("../../data/demo-products.json");

#[derive(Deserialize)]
struct DemoData {
    categories: Vec<DemoCategory>,
    products: Vec<DemoProduct>,
}

#[derive(Deserialize)]
struct DemoCategory {
    slug: String,
    name: String,
}

/// One demo product as the file has it.
#[derive(Deserialize)]
pub struct DemoProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub category: String,
    pub stock_on_hand: i32,
}

fn demo_data() -> anyhow::Result<DemoData> {
    Ok(serde_json::from_str(DEMO_DATA)?)
}

/// The demo products.
pub fn demo_products() -> anyhow::Result<Vec<DemoProduct>> {
    Ok(demo_data()?.products)
}

/// Inserts whatever demo categories and products are missing.
pub async fn seed(db: &PgPool) -> anyhow::Result<()> {
    let data = demo_data()?;
    let mut conn = db.get().await?;
    for category in &data.categories {
        diesel::insert_into(categories::table)
            .values((
                categories::id.eq(Uuid::now_v7()),
                categories::slug.eq(&category.slug),
                categories::name.eq(&category.name),
            ))
            .on_conflict(categories::slug)
            .do_nothing()
            .execute(&mut conn)
            .await?;
    }
    let mut added = 0;
    for product in &data.products {
        let category_id: Uuid = categories::table
            .filter(categories::slug.eq(&product.category))
            .select(categories::id)
            .first(&mut conn)
            .await?;
        added += diesel::insert_into(products::table)
            .values((
                products::id.eq(Uuid::now_v7()),
                products::sku.eq(&product.sku),
                products::name.eq(&product.name),
                products::description.eq(&product.description),
                products::price_cents.eq(product.price_cents),
                products::category_id.eq(category_id),
                products::stock_on_hand.eq(product.stock_on_hand),
            ))
            .on_conflict(products::sku)
            .do_nothing()
            .execute(&mut conn)
            .await?;
    }
    tracing::info!(added, total = data.products.len(), "demo products present");
    Ok(())
}
