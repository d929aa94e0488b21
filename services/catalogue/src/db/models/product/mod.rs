//! The `products` table and its queries (the list query in `listing.rs`).

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use shop_client::wire::catalogue::{PriceResponse, ProductImage, ProductResponse};
use uuid::Uuid;

use crate::{
    db::{
        models::image::ImageRecord,
        schema::{categories, products},
    },
    domain::{product::ProductFields, stock},
};

/// The columns of a product row (the search vector stays in the database).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products, check_for_backend(Pg))]
pub struct ProductRow {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub category_id: Uuid,
    pub image_url: Option<String>,
    pub stock_on_hand: i32,
    pub stock_reserved: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product with its category's slug: what the cache holds and both views
/// (public and admin) are rendered from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductRecord {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub category: String,
    pub image_url: Option<String>,
    /// Its pictures, in order.
    pub images: Vec<ImageRecord>,
    pub stock_on_hand: i32,
    pub stock_reserved: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProductRecord {
    fn from_row((row, category): (ProductRow, String)) -> Self {
        Self {
            id: row.id,
            sku: row.sku,
            name: row.name,
            description: row.description,
            price_cents: row.price_cents,
            category,
            image_url: row.image_url,
            images: Vec::new(),
            stock_on_hand: row.stock_on_hand,
            stock_reserved: row.stock_reserved,
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }

    /// The product as a shopper sees it (`admin`: with counts and `active`),
    /// with its pictures' signed links in `images`.
    pub fn to_response(
        &self,
        currency: &str,
        admin: bool,
        images: Vec<ProductImage>,
    ) -> ProductResponse {
        ProductResponse {
            id: self.id,
            sku: self.sku.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            price_cents: self.price_cents,
            currency: currency.to_owned(),
            category: self.category.clone(),
            image_url: <[ProductImage]>::first(&images)
                .map_or_else(|| self.image_url.clone(), |first| first.url.clone()),
            images,
            stock_hint: stock::hint(self.stock_on_hand, self.stock_reserved),
            stock_on_hand: admin.then_some(self.stock_on_hand),
            stock_reserved: admin.then_some(self.stock_reserved),
            active: admin.then_some(self.active),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// The editable fields, for a patch.
    pub fn fields(&self) -> ProductFields {
        ProductFields {
            sku: self.sku.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            price_cents: self.price_cents,
            category: self.category.clone(),
            image_url: self.image_url.clone(),
        }
    }
}

mod listing;

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    #[error("no such product")]
    NotFound,
    #[error("no category {0}")]
    UnknownCategory(String),
    #[error("{reserved} units are reserved")]
    BelowReserved { reserved: i32 },
    #[error("invalid fields")]
    Invalid(std::collections::BTreeMap<String, String>),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

async fn category_id(conn: &mut AsyncPgConnection, slug: &str) -> Result<Uuid, ProductError> {
    categories::table
        .filter(categories::slug.eq(slug))
        .select(categories::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| ProductError::UnknownCategory(slug.to_owned()))
}

impl ProductRecord {
    /// One product by id, active or not.
    #[tracing::instrument(skip(conn))]
    pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        let found = products::table
            .inner_join(categories::table)
            .filter(products::id.eq(id))
            .select((ProductRow::as_select(), categories::slug))
            .first(conn)
            .await
            .optional()?
            .map(Self::from_row);
        Ok(match found {
            Some(record) => Self::with_images(conn, vec![record]).await?.pop(),
            None => None,
        })
    }

    /// `records` with their pictures.
    async fn with_images(
        conn: &mut AsyncPgConnection,
        mut records: Vec<Self>,
    ) -> QueryResult<Vec<Self>> {
        let ids: Vec<Uuid> = records.iter().map(|r| r.id).collect();
        let mut images = ImageRecord::of_products(conn, &ids).await?;
        for record in &mut records {
            record.images = images.remove(&record.id).unwrap_or_default();
        }
        Ok(records)
    }

    /// The id of the product with this sku.
    #[tracing::instrument(skip(conn))]
    pub async fn id_for_sku(conn: &mut AsyncPgConnection, sku: &str) -> QueryResult<Option<Uuid>> {
        products::table
            .filter(products::sku.eq(sku))
            .select(products::id)
            .first(conn)
            .await
            .optional()
    }

    /// The newest active products, to warm the cache.
    pub async fn newest(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Self>> {
        let rows = products::table
            .inner_join(categories::table)
            .filter(products::active.eq(true))
            .order((products::created_at.desc(), products::id.desc()))
            .limit(limit)
            .select((ProductRow::as_select(), categories::slug))
            .load(conn)
            .await?;
        Self::with_images(conn, rows.into_iter().map(Self::from_row).collect()).await
    }

    /// Creates a product; a taken sku is a unique violation on `products_sku_key`.
    #[tracing::instrument(skip_all, fields(sku = %fields.sku))]
    pub async fn insert(
        conn: &mut AsyncPgConnection,
        fields: &ProductFields,
        stock_on_hand: i32,
    ) -> Result<Self, ProductError> {
        let category = category_id(conn, &fields.category).await?;
        let id = Uuid::now_v7();
        diesel::insert_into(products::table)
            .values((
                products::id.eq(id),
                products::sku.eq(&fields.sku),
                products::name.eq(&fields.name),
                products::description.eq(&fields.description),
                products::price_cents.eq(fields.price_cents),
                products::category_id.eq(category),
                products::image_url.eq(&fields.image_url),
                products::stock_on_hand.eq(stock_on_hand),
            ))
            .execute(conn)
            .await?;
        Self::find(conn, id).await?.ok_or(ProductError::NotFound)
    }

    /// Replaces the editable fields (and `active` when given). Returns the
    /// product before and after, so the caller knows what readers saw.
    #[tracing::instrument(skip_all, fields(product_id = %id))]
    pub async fn update(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        fields: &ProductFields,
        active: Option<bool>,
    ) -> Result<(Self, Self), ProductError> {
        conn.transaction(async |conn| {
            let before = Self::find_for_update(conn, id).await?;
            let category = category_id(conn, &fields.category).await?;
            diesel::update(products::table.find(id))
                .set((
                    products::sku.eq(&fields.sku),
                    products::name.eq(&fields.name),
                    products::description.eq(&fields.description),
                    products::price_cents.eq(fields.price_cents),
                    products::category_id.eq(category),
                    products::image_url.eq(&fields.image_url),
                    products::active.eq(active.unwrap_or(before.active)),
                    products::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            let after = Self::find(conn, id).await?.ok_or(ProductError::NotFound)?;
            Ok((before, after))
        })
        .await
    }

    /// Applies a partial change to the current fields, under the row lock so
    /// concurrent patches of different fields do not undo each other.
    #[tracing::instrument(skip_all, fields(product_id = %id))]
    pub async fn patch(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        patch: &shop_client::wire::catalogue::ProductPatch,
    ) -> Result<(Self, Self), ProductError> {
        conn.transaction(async |conn| {
            let before = Self::find_for_update(conn, id).await?;
            let fields = before
                .fields()
                .patched(patch)
                .map_err(ProductError::Invalid)?;
            let (_, after) = Self::update(conn, id, &fields, patch.active).await?;
            Ok((before, after))
        })
        .await
    }

    /// Takes a product off sale; past orders keep their lines.
    #[tracing::instrument(skip(conn))]
    pub async fn deactivate(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), ProductError> {
        let changed = diesel::update(products::table.find(id))
            .set((
                products::active.eq(false),
                products::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        if changed == 0 {
            Err(ProductError::NotFound)
        } else {
            Ok(())
        }
    }

    /// The product, locked until the transaction ends (read-modify-write).
    pub async fn find_for_update(
        conn: &mut AsyncPgConnection,
        id: Uuid,
    ) -> Result<Self, ProductError> {
        let row: ProductRow = products::table
            .find(id)
            .for_update()
            .select(ProductRow::as_select())
            .first(conn)
            .await
            .optional()?
            .ok_or(ProductError::NotFound)?;
        let slug = categories::table
            .find(row.category_id)
            .select(categories::slug)
            .first(conn)
            .await?;
        Ok(Self::from_row((row, slug)))
    }

    /// Sets the units on hand; never below what is reserved.
    #[tracing::instrument(skip(conn))]
    pub async fn set_stock(
        conn: &mut AsyncPgConnection,
        id: Uuid,
        on_hand: i32,
    ) -> Result<(Self, Self), ProductError> {
        conn.transaction(async |conn| {
            let before = Self::find_for_update(conn, id).await?;
            if on_hand < before.stock_reserved {
                return Err(ProductError::BelowReserved {
                    reserved: before.stock_reserved,
                });
            }
            diesel::update(products::table.find(id))
                .set((
                    products::stock_on_hand.eq(on_hand),
                    products::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            let after = Self::find(conn, id).await?.ok_or(ProductError::NotFound)?;
            Ok((before, after))
        })
        .await
    }

    /// Current prices and availability of these products (unknown ids are left out).
    #[tracing::instrument(skip_all, fields(count = ids.len()))]
    pub async fn prices(
        conn: &mut AsyncPgConnection,
        ids: &[Uuid],
    ) -> QueryResult<Vec<PriceResponse>> {
        let rows: Vec<ProductRow> = products::table
            .filter(products::id.eq_any(ids))
            .select(ProductRow::as_select())
            .load(conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| PriceResponse {
                id: row.id,
                sku: row.sku,
                name: row.name,
                price_cents: row.price_cents,
                active: row.active,
                available: row.stock_on_hand - row.stock_reserved,
            })
            .collect())
    }
}
