//! The `product_images` table: which pictures a product has, in order.
//! Every change takes the product's row lock first, so concurrent uploads
//! and reorders of one product queue up and positions stay `0..n`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{pg::Pg, prelude::*};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::schema::{product_images, products};

/// One picture of a product: where its two variants are stored and how it
/// is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Queryable, Selectable, Insertable)]
#[diesel(table_name = product_images, check_for_backend(Pg))]
pub struct ImageRecord {
    pub id: Uuid,
    pub product_id: Uuid,
    pub position: i32,
    pub alt: String,
    /// Of the `large` variant.
    pub width: i32,
    pub height: i32,
    pub large_key: String,
    pub thumb_key: String,
    pub created_at: DateTime<Utc>,
}

/// Why an image change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageDbError {
    #[error("no such product")]
    NoProduct,
    #[error("no such image")]
    NoImage,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Locks the product's row (`NoProduct` when there is none).
async fn lock_product(conn: &mut AsyncPgConnection, product: Uuid) -> Result<(), ImageDbError> {
    products::table
        .filter(products::id.eq(product))
        .select(products::id)
        .for_update()
        .first::<Uuid>(conn)
        .await
        .optional()?
        .map(drop)
        .ok_or(ImageDbError::NoProduct)
}

async fn of_product(conn: &mut AsyncPgConnection, product: Uuid) -> QueryResult<Vec<ImageRecord>> {
    product_images::table
        .filter(product_images::product_id.eq(product))
        .order((product_images::position.asc(), product_images::id.asc()))
        .select(ImageRecord::as_select())
        .load(conn)
        .await
}

/// Gives `images` (one product's, in their new order) the positions `0..n`.
async fn renumber(conn: &mut AsyncPgConnection, images: &mut [ImageRecord]) -> QueryResult<()> {
    for (position, image) in (0..).zip(images.iter_mut()) {
        if image.position != position {
            image.position = position;
            diesel::update(product_images::table.find(image.id))
                .set(product_images::position.eq(position))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

impl ImageRecord {
    /// The images of each of `products`, in order (products with none are absent).
    pub async fn of_products(
        conn: &mut AsyncPgConnection,
        products: &[Uuid],
    ) -> QueryResult<HashMap<Uuid, Vec<Self>>> {
        let rows: Vec<Self> = product_images::table
            .filter(product_images::product_id.eq_any(products))
            .order((
                product_images::product_id.asc(),
                product_images::position.asc(),
                product_images::id.asc(),
            ))
            .select(Self::as_select())
            .load(conn)
            .await?;
        let mut by_product: HashMap<Uuid, Vec<Self>> = HashMap::new();
        for row in rows {
            by_product.entry(row.product_id).or_default().push(row);
        }
        Ok(by_product)
    }

    /// One image of one product.
    pub async fn find(
        conn: &mut AsyncPgConnection,
        product: Uuid,
        image: Uuid,
    ) -> QueryResult<Option<Self>> {
        product_images::table
            .filter(product_images::id.eq(image))
            .filter(product_images::product_id.eq(product))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// Adds `self` after the product's other images (its `position` is set here).
    pub async fn append(mut self, conn: &mut AsyncPgConnection) -> Result<Self, ImageDbError> {
        conn.transaction(async move |conn| {
            lock_product(conn, self.product_id).await?;
            let count: i64 = product_images::table
                .filter(product_images::product_id.eq(self.product_id))
                .count()
                .get_result(conn)
                .await?;
            self.position = i32::try_from(count).unwrap_or(i32::MAX);
            diesel::insert_into(product_images::table)
                .values(&self)
                .on_conflict(product_images::id)
                .do_nothing()
                .execute(conn)
                .await?;
            Ok(self)
        })
        .await
    }

    /// Changes the alt text and moves the image to `position` (clamped to
    /// the last place); the others keep their order around it.
    pub async fn update(
        conn: &mut AsyncPgConnection,
        product: Uuid,
        image: Uuid,
        alt: Option<String>,
        position: Option<i32>,
    ) -> Result<Self, ImageDbError> {
        conn.transaction(async move |conn| {
            lock_product(conn, product).await?;
            let mut images = of_product(conn, product).await?;
            let from = images
                .iter()
                .position(|i| i.id == image)
                .ok_or(ImageDbError::NoImage)?;
            if let Some(alt) = alt {
                diesel::update(product_images::table.find(image))
                    .set(product_images::alt.eq(&alt))
                    .execute(conn)
                    .await?;
                images[from].alt = alt;
            }
            let mut to = from;
            if let Some(position) = position {
                to = usize::try_from(position).unwrap_or(0).min(images.len() - 1);
                let moved = images.remove(from);
                images.insert(to, moved);
            }
            renumber(conn, &mut images).await?;
            Ok(images.swap_remove(to))
        })
        .await
    }

    /// Removes the image (the others close up); `None` when it was not there.
    pub async fn remove(
        conn: &mut AsyncPgConnection,
        product: Uuid,
        image: Uuid,
    ) -> Result<Option<Self>, ImageDbError> {
        conn.transaction(async move |conn| {
            lock_product(conn, product).await?;
            let mut images = of_product(conn, product).await?;
            let Some(at) = images.iter().position(|i| i.id == image) else {
                return Ok(None);
            };
            let removed = images.remove(at);
            diesel::delete(product_images::table.find(image))
                .execute(conn)
                .await?;
            renumber(conn, &mut images).await?;
            Ok(Some(removed))
        })
        .await
    }
}
