//! Cache warm-up: a one-off worker that caches the newest products at start,
//! so the first shoppers after a deploy do not all miss.

use std::sync::Arc;

use shop_kit::workers::StopSignal;

use crate::{db::models::product::ProductRecord, state::AppState};

/// Caches the `count` newest products that are not cached yet; a stop ends
/// it between two products (the cache fills itself from reads anyway).
pub async fn run(state: Arc<AppState>, count: i64, stop: StopSignal) {
    if count <= 0 {
        return;
    }
    let records = match state.db.get().await {
        Ok(mut conn) => ProductRecord::newest(&mut conn, count).await,
        Err(e) => {
            tracing::warn!(error = %e, "cache warm-up skipped: no database connection");
            return;
        }
    };
    let records = match records {
        Ok(records) => records,
        Err(e) => {
            tracing::warn!(error = %e, "cache warm-up failed");
            return;
        }
    };
    let mut warmed = 0;
    for record in &records {
        if stop.is_cancelled() {
            break;
        }
        let lookup = state.cache.product::<ProductRecord>(record.id).await;
        if lookup.value.is_none() {
            state.cache.store_product(record.id, &lookup, record).await;
        }
        warmed += 1;
    }
    tracing::info!(products = warmed, "cache warmed up");
}
