//! Product pictures: an upload checked, rendered off the async threads and
//! stored; alt text and order; removal; and the signed links shown with a
//! product.
//!
//! The objects are written before the row that makes them part of the
//! product, and removed before it on delete: a failure half way leaves at
//! worst objects nobody links to (cleaned up when it can be), never a
//! product showing a picture that is not there. Every change invalidates
//! the product in the cache, as any other write does.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use shop_client::wire::{
    ErrorCode,
    catalogue::{ImagePatch, ProductImage},
};
use shop_kit::{Problem, input};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

use crate::{
    db::models::{image::ImageRecord, product::ProductRecord},
    domain::image::{ImageRules, Variant, process},
    media::{Media, VariantName, object_key},
    state::AppState,
};

/// How long an upload waits for its turn before it is told to come back.
const ADMISSION_WAIT: Duration = Duration::from_secs(10);

/// What uploads may be: at most `MEDIA_UPLOAD_CONCURRENCY` handled at once
/// (each holds up to `max_bytes` and its decoded pixels in memory).
pub struct Uploads {
    permits: Arc<Semaphore>,
    /// `MEDIA_MAX_BYTES`: the largest file accepted (413 past it).
    pub max_bytes: usize,
    pub rules: ImageRules,
}

impl Uploads {
    pub fn new(concurrency: usize, max_bytes: usize, rules: ImageRules) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency)),
            max_bytes,
            rules,
        }
    }
}

/// A picture as it arrived, with its alt text (unchecked).
pub struct Upload {
    pub bytes: Vec<u8>,
    pub alt: Option<String>,
}

/// A turn among the uploads being handled; a 503 `busy` when none comes soon.
pub async fn admit(state: &AppState) -> Result<OwnedSemaphorePermit, Problem> {
    tokio::time::timeout(
        ADMISSION_WAIT,
        state.uploads.permits.clone().acquire_owned(),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .ok_or_else(|| {
        Problem::unavailable(
            ErrorCode::Busy,
            "too many uploads at once; try again shortly",
        )
    })
}

/// 404 unless the product exists (on sale or not).
pub async fn require_product(state: &AppState, product: Uuid) -> Result<(), Problem> {
    let mut conn = state.db.get().await?;
    ProductRecord::find(&mut conn, product)
        .await?
        .map(drop)
        .ok_or_else(|| Problem::not_found("product"))
}

fn alt(raw: Option<&str>) -> Result<String, Problem> {
    input::line(500)
        .optional()
        .parse(raw.unwrap_or_default())
        .map_err(|reason| Problem::invalid_field("alt", reason))
}

/// The media store failed: nothing was changed.
pub fn storage_unavailable(error: object_store::Error) -> Problem {
    Problem::unavailable(
        ErrorCode::StorageUnavailable,
        "the media store cannot be reached just now; nothing was changed",
    )
    .source(error)
}

/// Checks, renders and stores `upload` as image `id`, after the product's
/// other pictures (`_turn`: from [`admit`], held until it is done).
#[tracing::instrument(skip(state, upload, _turn), fields(bytes = upload.bytes.len()))]
pub async fn add(
    state: &AppState,
    product: Uuid,
    id: Uuid,
    upload: Upload,
    _turn: OwnedSemaphorePermit,
) -> Result<ProductImage, Problem> {
    let alt = alt(upload.alt.as_deref())?;
    let rules = state.uploads.rules;
    let processed = tokio::task::spawn_blocking(move || process(&upload.bytes, rules))
        .await
        .map_err(Problem::internal)??;
    let large_key = object_key(product, id, VariantName::Large, processed.large.format);
    let thumb_key = object_key(product, id, VariantName::Thumb, processed.thumb.format);
    let record = ImageRecord {
        id,
        product_id: product,
        position: 0,
        alt,
        width: i32::try_from(processed.large.width).unwrap_or(i32::MAX),
        height: i32::try_from(processed.large.height).unwrap_or(i32::MAX),
        large_key,
        thumb_key,
        created_at: Utc::now(),
    };
    store(
        &state.media,
        [
            (&record.large_key, processed.large),
            (&record.thumb_key, processed.thumb),
        ],
    )
    .await?;
    let appended = async {
        let mut conn = state.db.get().await?;
        Ok::<_, Problem>(record.clone().append(&mut conn).await?)
    }
    .await;
    let record = match appended {
        Ok(record) => record,
        Err(problem) => {
            remove_objects(&state.media, &record).await.ok();
            return Err(problem);
        }
    };
    state.cache.invalidate(&[product], true).await;
    Ok(shown(&state.media, &record).await)
}

/// Puts both variants; when one fails, what was put is removed again.
async fn store(media: &Media, variants: [(&String, Variant); 2]) -> Result<(), Problem> {
    let mut stored = Vec::new();
    for (key, variant) in variants {
        if let Err(error) = media.put(key, variant.bytes, variant.format).await {
            for key in stored {
                media.delete(key).await.ok();
            }
            return Err(storage_unavailable(error));
        }
        stored.push(key);
    }
    Ok(())
}

async fn remove_objects(media: &Media, record: &ImageRecord) -> Result<(), Problem> {
    for key in [&record.large_key, &record.thumb_key] {
        media.delete(key).await.map_err(storage_unavailable)?;
    }
    Ok(())
}

/// Changes the alt text or the place of one picture.
#[tracing::instrument(skip(state, patch))]
pub async fn update(
    state: &AppState,
    product: Uuid,
    image: Uuid,
    patch: &ImagePatch,
) -> Result<ProductImage, Problem> {
    let alt = patch.alt.as_deref().map(|raw| alt(Some(raw))).transpose()?;
    let mut conn = state.db.get().await?;
    let record = ImageRecord::update(&mut conn, product, image, alt, patch.position).await?;
    state.cache.invalidate(&[product], true).await;
    Ok(shown(&state.media, &record).await)
}

/// One picture of a product.
pub async fn view(state: &AppState, product: Uuid, image: Uuid) -> Result<ProductImage, Problem> {
    let mut conn = state.db.get().await?;
    let record = ImageRecord::find(&mut conn, product, image)
        .await?
        .ok_or_else(|| Problem::not_found("image"))?;
    Ok(shown(&state.media, &record).await)
}

/// Removes a picture and its objects; one already gone is no error.
#[tracing::instrument(skip(state))]
pub async fn remove(state: &AppState, product: Uuid, image: Uuid) -> Result<(), Problem> {
    let mut conn = state.db.get().await?;
    let Some(record) = ImageRecord::find(&mut conn, product, image).await? else {
        drop(conn);
        return require_product(state, product).await;
    };
    // The objects first: if the store fails, the picture is still whole.
    remove_objects(&state.media, &record).await?;
    ImageRecord::remove(&mut conn, product, image).await?;
    state.cache.invalidate(&[product], true).await;
    Ok(())
}

/// A picture as shown, with links signed now.
pub async fn shown(media: &Media, record: &ImageRecord) -> ProductImage {
    ProductImage {
        id: record.id,
        url: media.url(&record.large_key).await,
        thumb_url: media.url(&record.thumb_key).await,
        width: record.width,
        height: record.height,
        alt: record.alt.clone(),
        position: record.position,
    }
}

/// Every picture of a product, as shown.
pub async fn all_shown(media: &Media, records: &[ImageRecord]) -> Vec<ProductImage> {
    let mut shown_images = Vec::with_capacity(records.len());
    for record in records {
        shown_images.push(shown(media, record).await);
    }
    shown_images
}
