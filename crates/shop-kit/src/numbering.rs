//! Gapless document numbers (`INV-2026-000001`, `CN-…`, `RMA-…`): a counter
//! row per kind and year, bumped in the transaction that writes the document,
//! so a rolled-back document gives its number back. The row lock is held until
//! that transaction ends, which serialises documents of one kind.
//!
//! Each service that numbers documents creates the table in its migrations:
//! `CREATE TABLE document_counters (kind text NOT NULL, year integer NOT NULL,
//! last_number integer NOT NULL, PRIMARY KEY (kind, year))`.

use chrono::{DateTime, Datelike as _, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

diesel::table! {
    /// The per-kind, per-year counters.
    document_counters (kind, year) {
        kind -> Text,
        year -> Int4,
        last_number -> Int4,
    }
}

/// The next number of `kind` in `now`'s year: `{kind}-{year}-{n:06}`. Call it
/// inside the transaction that writes the document.
pub async fn next_number(
    conn: &mut AsyncPgConnection,
    kind: &str,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let year = now.year();
    let number: i32 = diesel::insert_into(document_counters::table)
        .values((
            document_counters::kind.eq(kind),
            document_counters::year.eq(year),
            document_counters::last_number.eq(1),
        ))
        .on_conflict((document_counters::kind, document_counters::year))
        .do_update()
        .set(document_counters::last_number.eq(document_counters::last_number + 1))
        .returning(document_counters::last_number)
        .get_result(conn)
        .await?;
    Ok(format!("{kind}-{year}-{number:06}"))
}
