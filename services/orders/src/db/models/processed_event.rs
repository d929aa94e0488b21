//! Events received from other services: a second delivery has no second effect.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::processed_events;

/// Records a received event; false when it was seen before.
pub async fn first_delivery(
    conn: &mut AsyncPgConnection,
    event_id: Uuid,
    order_id: Uuid,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(processed_events::table)
        .values((
            processed_events::event_id.eq(event_id),
            processed_events::order_id.eq(order_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}
