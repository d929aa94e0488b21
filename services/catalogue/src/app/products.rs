//! Products: cache-aside reads (by id, by sku, list pages) and the admin
//! writes, each followed by the invalidation its readers need (see
//! [`crate::cache`] for why a reader never sees a value older than the last
//! write that answered).

use shop_client::wire::{
    Page,
    catalogue::{ProductPatch, ProductResponse},
};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::product::ProductRecord,
    domain::{
        listing::ListFilter,
        product::{ProductFields, is_sku},
        stock::StockChange,
    },
    state::AppState,
};

/// A read, and whether the cache answered it (`X-Cache: HIT`).
#[derive(Debug)]
pub struct Cached<T> {
    pub value: T,
    pub hit: bool,
}

/// A page of products on sale matching `filter`.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    filter: &ListFilter,
) -> Result<Cached<Page<ProductResponse>>, Problem> {
    let key = filter.cache_key();
    let mut lookup = state.cache.list::<Page<ProductResponse>>(&key).await;
    if let Some(page) = lookup.value.take() {
        return Ok(Cached {
            value: page,
            hit: true,
        });
    }
    let (rows, total) = {
        let mut conn = state.db.get().await?;
        ProductRecord::list(&mut conn, filter).await?
    };
    let page = Page {
        items: rows
            .iter()
            .map(|r| r.to_response(&state.currency, false))
            .collect(),
        total,
        limit: filter.limit,
        offset: filter.offset,
    };
    state.cache.store_list(&key, &lookup, &page).await;
    Ok(Cached {
        value: page,
        hit: false,
    })
}

/// One product by id or sku, as `admin` or a shopper sees it; a product off
/// sale is not found by shoppers.
#[tracing::instrument(skip(state))]
pub async fn view(
    state: &AppState,
    id_or_sku: &str,
    admin: bool,
) -> Result<Cached<ProductResponse>, Problem> {
    let (record, hit) = load(state, id_or_sku)
        .await?
        .filter(|(record, _)| record.active || admin)
        .ok_or_else(|| Problem::not_found("product"))?;
    Ok(Cached {
        value: record.to_response(&state.currency, admin),
        hit,
    })
}

/// The product with this id, or this sku, and whether it came from the cache.
async fn load(state: &AppState, id_or_sku: &str) -> Result<Option<(ProductRecord, bool)>, Problem> {
    let (id, sku) = match Uuid::parse_str(id_or_sku) {
        Ok(id) => (id, None),
        // Nothing that could not be a sku reaches Redis or Postgres.
        Err(_) if !is_sku(id_or_sku) => return Ok(None),
        Err(_) => {
            let id = match state.cache.sku(id_or_sku).await {
                Some(id) => id,
                None => {
                    let mut conn = state.db.get().await?;
                    let Some(id) = ProductRecord::id_for_sku(&mut conn, id_or_sku).await? else {
                        return Ok(None);
                    };
                    state.cache.store_sku(id_or_sku, id).await;
                    id
                }
            };
            (id, Some(id_or_sku))
        }
    };
    let lookup = state.cache.product::<ProductRecord>(id).await;
    let (record, hit) = match lookup.value.clone() {
        Some(record) => (record, true),
        None => {
            let mut conn = state.db.get().await?;
            let Some(record) = ProductRecord::find(&mut conn, id).await? else {
                return Ok(None);
            };
            state.cache.store_product(id, &lookup, &record).await;
            (record, false)
        }
    };
    // A remembered sku may since have moved to another product.
    if sku.is_some_and(|sku| sku != record.sku) {
        let mut conn = state.db.get().await?;
        let Some(id) = ProductRecord::id_for_sku(&mut conn, id_or_sku).await? else {
            return Ok(None);
        };
        state.cache.store_sku(id_or_sku, id).await;
        return Ok(ProductRecord::find(&mut conn, id)
            .await?
            .map(|r| (r, false)));
    }
    Ok(Some((record, hit)))
}

/// Creates a product with `stock_on_hand` units (a taken sku is a 409).
#[tracing::instrument(skip_all, fields(sku = %fields.sku))]
pub async fn create(
    state: &AppState,
    fields: &ProductFields,
    stock_on_hand: i32,
) -> Result<ProductResponse, Problem> {
    let mut conn = state.db.get().await?;
    let record = ProductRecord::insert(&mut conn, fields, stock_on_hand).await?;
    state.cache.invalidate(&[record.id], true).await;
    Ok(record.to_response(&state.currency, true))
}

/// Replaces a product's editable fields.
#[tracing::instrument(skip(state, fields))]
pub async fn replace(
    state: &AppState,
    id: Uuid,
    fields: &ProductFields,
) -> Result<ProductResponse, Problem> {
    let mut conn = state.db.get().await?;
    let (_, after) = ProductRecord::update(&mut conn, id, fields, None).await?;
    state.cache.invalidate(&[after.id], true).await;
    Ok(after.to_response(&state.currency, true))
}

/// Changes the fields `patch` names (checked against the current product).
#[tracing::instrument(skip(state, patch))]
pub async fn patch(
    state: &AppState,
    id: Uuid,
    patch: &ProductPatch,
) -> Result<ProductResponse, Problem> {
    let mut conn = state.db.get().await?;
    let (_, after) = ProductRecord::patch(&mut conn, id, patch).await?;
    state.cache.invalidate(&[after.id], true).await;
    Ok(after.to_response(&state.currency, true))
}

/// Takes a product off sale; it stays in past orders.
#[tracing::instrument(skip(state))]
pub async fn take_off_sale(state: &AppState, id: Uuid) -> Result<(), Problem> {
    let mut conn = state.db.get().await?;
    ProductRecord::deactivate(&mut conn, id).await?;
    state.cache.invalidate(&[id], true).await;
    Ok(())
}

/// Sets the units on hand (never below what is reserved); the lists are
/// invalidated only when what they show (the hint) moved.
#[tracing::instrument(skip(state))]
pub async fn set_stock(
    state: &AppState,
    id: Uuid,
    on_hand: i32,
) -> Result<ProductResponse, Problem> {
    let mut conn = state.db.get().await?;
    let (before, after) = ProductRecord::set_stock(&mut conn, id, on_hand).await?;
    let change = StockChange::between(
        after.id,
        (before.stock_on_hand, before.stock_reserved),
        (after.stock_on_hand, after.stock_reserved),
    );
    state.cache.invalidate_stock(&[change]).await;
    Ok(after.to_response(&state.currency, true))
}
