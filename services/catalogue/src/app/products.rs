//! Products: reads through the two cache levels (by id, by sku, list
//! pages), rendered once with their `ETag`, the admin's list (never cached),
//! and the admin writes, each followed by the invalidation its readers need
//! (see [`crate::cache`] for why a reader never sees a value older than the
//! last write that answered).

use std::sync::Arc;

use shop_client::wire::{
    Page,
    catalogue::{ProductPatch, ProductResponse},
};
use shop_kit::{Problem, http_cache::Rendered};
use uuid::Uuid;

use crate::{
    app::images,
    cache::{MemoryProduct, SkuOf},
    db::models::product::ProductRecord,
    domain::{
        listing::{ListFilter, Scope},
        product::{ProductFields, is_sku},
        stock::StockChange,
    },
    state::AppState,
};

/// `record` as a shopper (or an `admin`) sees it, its pictures' links signed now.
pub async fn response(state: &AppState, record: &ProductRecord, admin: bool) -> ProductResponse {
    let images = images::all_shown(&state.media, &record.images).await;
    record.to_response(&state.currency, admin, images)
}

/// `record` as this replica keeps it in memory.
async fn remembered(state: &AppState, record: ProductRecord) -> Result<MemoryProduct, Problem> {
    let public = response(state, &record, false).await;
    MemoryProduct::new(record, &public).map_err(Problem::internal)
}

/// A read, and whether the cache answered it (`X-Cache: HIT`).
#[derive(Debug)]
pub struct Cached<T> {
    pub value: T,
    pub hit: bool,
}

/// A page of products on sale matching `filter`, rendered (the page is the
/// same for every caller); `fresh`: not from memory.
#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    filter: &ListFilter,
    fresh: bool,
) -> Result<Cached<Arc<Rendered>>, Problem> {
    let key = filter.cache_key();
    let memory = &state.cache.memory.lists;
    if let Some(page) = memory.get(&key).filter(|_| !fresh) {
        state.cache.memory_hit();
        return Ok(Cached {
            value: page,
            hit: true,
        });
    }
    let ticket = memory.ticket();
    let mut lookup = state.cache.list(&key).await;
    let (page, hit) = match lookup.value.take() {
        Some(body) => (Arc::new(Rendered::from_body(body)), true),
        None => {
            let page = Arc::new(load_page(state, filter, Scope::OnSale).await?);
            state.cache.store_list(&key, &lookup, &page.body).await;
            (page, false)
        }
    };
    memory.insert(ticket, key, page.clone());
    Ok(Cached { value: page, hit })
}

/// A page of every product matching `filter`, on sale or not, rendered as
/// an admin sees it (with the counts and `active`). Always from Postgres,
/// never through or into the cache: both levels hold what any caller may be
/// shown, and the counts and off-sale products are not that.
#[tracing::instrument(skip_all)]
pub async fn list_for_admin(state: &AppState, filter: &ListFilter) -> Result<Rendered, Problem> {
    load_page(state, filter, Scope::All).await
}

/// The products in `scope` matching `filter`, from Postgres, rendered as a
/// page: with the admin fields exactly when the scope is an admin's.
async fn load_page(
    state: &AppState,
    filter: &ListFilter,
    scope: Scope,
) -> Result<Rendered, Problem> {
    let (rows, total) = {
        let mut conn = state.db.get().await?;
        ProductRecord::list(&mut conn, filter, scope).await?
    };
    let admin = scope == Scope::All;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(response(state, row, admin).await);
    }
    let page = Page {
        items,
        total,
        limit: filter.limit,
        offset: filter.offset,
    };
    Rendered::json(&page).map_err(Problem::internal)
}

/// One product by id or sku, rendered as `admin` or a shopper sees it; a
/// product off sale is not found by shoppers; `fresh`: not from memory.
#[tracing::instrument(skip(state))]
pub async fn view(
    state: &AppState,
    id_or_sku: &str,
    admin: bool,
    fresh: bool,
) -> Result<Cached<Rendered>, Problem> {
    let (product, hit) = load(state, id_or_sku, fresh)
        .await?
        .filter(|(product, _)| product.record.active || admin)
        .ok_or_else(|| Problem::not_found("product"))?;
    let value = if admin {
        Rendered::json(&response(state, &product.record, true).await).map_err(Problem::internal)?
    } else {
        product.public.clone()
    };
    Ok(Cached { value, hit })
}

/// The product with this id, or this sku, and whether it came from a cache
/// (the SKU's product is checked, so its memory needs no `fresh`).
async fn load(
    state: &AppState,
    id_or_sku: &str,
    fresh: bool,
) -> Result<Option<(Arc<MemoryProduct>, bool)>, Problem> {
    let (id, sku) = match Uuid::parse_str(id_or_sku) {
        Ok(id) => (id, None),
        // Nothing that could not be a sku reaches Redis or Postgres.
        Err(_) if !is_sku(id_or_sku) => return Ok(None),
        Err(_) => match sku_target(state, id_or_sku).await? {
            Some(id) => (id, Some(id_or_sku)),
            None => return Ok(None),
        },
    };
    let Some((product, hit)) = product(state, id, fresh).await? else {
        return Ok(None);
    };
    // A remembered sku may since have moved to another product.
    if sku.is_some_and(|sku| sku != product.record.sku) {
        let mut conn = state.db.get().await?;
        let Some(id) = ProductRecord::id_for_sku(&mut conn, id_or_sku).await? else {
            return Ok(None);
        };
        state.cache.store_sku(id_or_sku, id).await;
        state.cache.memory.skus.insert(
            state.cache.memory.skus.ticket(),
            id_or_sku.to_owned(),
            SkuOf(id),
        );
        let Some(record) = ProductRecord::find(&mut conn, id).await? else {
            return Ok(None);
        };
        return Ok(Some((Arc::new(remembered(state, record).await?), false)));
    }
    Ok(Some((product, hit)))
}

/// The product a sku was last seen naming: from memory, Redis or Postgres.
async fn sku_target(state: &AppState, sku: &str) -> Result<Option<Uuid>, Problem> {
    let memory = &state.cache.memory.skus;
    if let Some(SkuOf(id)) = memory.get(&sku.to_owned()) {
        return Ok(Some(id));
    }
    let ticket = memory.ticket();
    let id = match state.cache.sku(sku).await {
        Some(id) => id,
        None => {
            let mut conn = state.db.get().await?;
            let Some(id) = ProductRecord::id_for_sku(&mut conn, sku).await? else {
                return Ok(None);
            };
            state.cache.store_sku(sku, id).await;
            id
        }
    };
    memory.insert(ticket, sku.to_owned(), SkuOf(id));
    Ok(Some(id))
}

/// The product with this id: from memory (unless `fresh`), Redis or
/// Postgres, and whether a cache had it.
async fn product(
    state: &AppState,
    id: Uuid,
    fresh: bool,
) -> Result<Option<(Arc<MemoryProduct>, bool)>, Problem> {
    let memory = &state.cache.memory.products;
    if let Some(product) = memory.get(&id).filter(|_| !fresh) {
        state.cache.memory_hit();
        return Ok(Some((product, true)));
    }
    let ticket = memory.ticket();
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
    let product = Arc::new(remembered(state, record).await?);
    memory.insert(ticket, id, product.clone());
    Ok(Some((product, hit)))
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
    Ok(response(state, &record, true).await)
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
    Ok(response(state, &after, true).await)
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
    Ok(response(state, &after, true).await)
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
    Ok(response(state, &after, true).await)
}
