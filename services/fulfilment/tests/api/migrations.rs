//! The migration that hands returns to orders: a return the old steps left
//! `received`, and one whose credit note was still on its way, each become
//! a `return.received` event orders can read; the columns the old steps
//! used go (and come back on the way down).

use diesel::{QueryableByName, RunQueryDsl as _, sql_types};
use diesel_async::{AsyncPgConnection, async_connection_wrapper::AsyncConnectionWrapper};
use diesel_migrations::MigrationHarness as _;
use fulfilment::db::MIGRATIONS;
use shop_client::wire::orders::ReturnReceivedEvent;
use shop_kit::{db::KIT_MIGRATIONS, testing::TestDatabase};
use uuid::Uuid;

type Connection = AsyncConnectionWrapper<AsyncPgConnection>;

#[derive(QueryableByName, Debug)]
struct EventRow {
    #[diesel(sql_type = sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    event_type: String,
    #[diesel(sql_type = sql_types::Uuid)]
    aggregate_id: Uuid,
    #[diesel(sql_type = sql_types::Text)]
    status: String,
    #[diesel(sql_type = sql_types::Jsonb)]
    payload: serde_json::Value,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}

fn execute(conn: &mut Connection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// An order, a return in `status` of one unit at 12.00: the return's id.
fn old_return(conn: &mut Connection, order_id: Uuid, status: &str, number: &str) -> Uuid {
    let id = Uuid::now_v7();
    execute(
        conn,
        &format!(
            "INSERT INTO returns (id, number, order_id, user_id, reason, status, refund_cents, attempts)
             VALUES ('{id}', '{number}', '{order_id}', '{order_id}', 'spare', '{status}', 1200, 3)"
        ),
    );
    execute(
        conn,
        &format!(
            "INSERT INTO return_lines (return_id, product_id, quantity, unit_price_cents)
             VALUES ('{id}', '{order_id}', 1, 1200)"
        ),
    );
    id
}

/// The newest migration whose worker still ran the return steps itself.
const BEFORE_HANDOVER: &str = "20261122000002";

/// Reverts the service's migrations until `version` is the newest applied,
/// so migrations added after the one under test come off first.
fn revert_to(conn: &mut Connection, version: &str) {
    loop {
        let newest = conn
            .applied_migrations()
            .unwrap()
            .first()
            .map(ToString::to_string);
        if newest.as_deref() == Some(version) {
            return;
        }
        conn.revert_last_migration(MIGRATIONS).unwrap();
    }
}

#[tokio::test]
async fn returns_the_old_steps_left_half_way_are_handed_to_orders() {
    let db = TestDatabase::empty("fulfilment").await;
    let url = db.url().to_string();
    tokio::task::spawn_blocking(move || {
        use diesel::Connection as _;
        let mut conn = Connection::establish(&url).unwrap();
        conn.run_pending_migrations(KIT_MIGRATIONS).unwrap();
        conn.run_pending_migrations(MIGRATIONS).unwrap();
        // Back to the last version whose worker ran the return steps itself.
        revert_to(&mut conn, BEFORE_HANDOVER);
        let order_id = Uuid::now_v7();
        execute(
            &mut conn,
            &format!(
                "INSERT INTO fulfilments (order_id, user_id, event_id, lines, shipping_address, total_cents, currency, paid_at)
                 VALUES ('{order_id}', '{order_id}', '{order_id}', '[]', '{{}}', 3600, 'USD', now())"
            ),
        );
        let received = old_return(&mut conn, order_id, "received", "RMA-2026-000001");
        let crediting = old_return(&mut conn, order_id, "refunded", "RMA-2026-000002");
        let _requested = old_return(&mut conn, order_id, "requested", "RMA-2026-000003");
        let old_event = Uuid::now_v7();
        execute(
            &mut conn,
            &format!(
                "INSERT INTO outbox (id, event_type, aggregate_id, payload, status, attempts, last_error)
                 VALUES ('{old_event}', 'return.refunded', '{order_id}',
                         '{{\"idempotency_key\": \"rma:{crediting}\", \"amount_cents\": 1200, \"reason\": \"return\"}}',
                         'dead', 10, 'orders was down')"
            ),
        );

        conn.run_pending_migrations(MIGRATIONS).unwrap();

        let events: Vec<EventRow> = diesel::sql_query(
            "SELECT id, event_type, aggregate_id, status, payload FROM outbox ORDER BY payload ->> 'number'",
        )
        .load(&mut conn)
        .unwrap();
        assert_eq!(events.len(), 2, "{events:?}");
        for (row, return_id, number) in [
            (&events[0], received, "RMA-2026-000001"),
            (&events[1], crediting, "RMA-2026-000002"),
        ] {
            assert_eq!(row.event_type, "return.received");
            assert_eq!(row.status, "pending");
            assert_eq!(row.aggregate_id, return_id);
            let event: ReturnReceivedEvent = serde_json::from_value(row.payload.clone())
                .unwrap_or_else(|e| panic!("{e}: {}", row.payload));
            assert_eq!(event.event_id, row.id);
            assert_eq!(event.return_id, return_id);
            assert_eq!(event.number, number);
            assert_eq!(event.order_id, order_id);
            assert_eq!(event.refund_cents, 1200);
            assert_eq!(event.lines.len(), 1);
            assert_eq!(event.lines[0].unit_price_cents, 1200);
        }
        assert_eq!(events[1].id, old_event, "the undelivered event was rewritten, not doubled");
        assert_eq!(
            events[0].id.get_version_num(),
            7,
            "a new event id is a UUID v7"
        );

        // And down again: the old worker finds the received return due.
        revert_to(&mut conn, BEFORE_HANDOVER);
        let due: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM returns
             WHERE id = '{received}' AND attempts = 0 AND next_attempt_at IS NOT NULL"
        ))
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(due.n, 1);
    })
    .await
    .unwrap();
}
