//! Gapless document numbers (`INV-2026-000001`, `CN-…`, `RMA-…`): a counter
//! row per kind and year, bumped in the transaction that writes the document,
//! so a rolled-back document gives its number back. The row lock is held until
//! that transaction ends, which serialises documents of one kind: keep what
//! follows the bump short ([`NEXT_NUMBER_SQL`] lets a caller draw the number
//! and write the document in one statement).
//!
//! Each service that numbers documents creates the table in its migrations:
//! `CREATE TABLE document_counters (kind text NOT NULL, year integer NOT NULL,
//! last_number integer NOT NULL, PRIMARY KEY (kind, year))`.

use chrono::{DateTime, Datelike as _, Utc};
use diesel::{
    QueryResult, QueryableByName,
    sql_types::{Integer, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Draws the next number: binds `$1` (the kind, text) and `$2` (the year,
/// integer); returns one row with the column `number`
/// (`{kind}-{year}-{n:06}`). Usable as a CTE: `WITH n AS (…) …`.
pub const NEXT_NUMBER_SQL: &str = "INSERT INTO document_counters (kind, year, last_number) \
     VALUES ($1, $2, 1) \
     ON CONFLICT (kind, year) DO UPDATE SET last_number = document_counters.last_number + 1 \
     RETURNING $1 || '-' || $2::text || '-' || lpad(last_number::text, 6, '0') AS number";

#[derive(QueryableByName)]
struct Drawn {
    #[diesel(sql_type = Text)]
    number: String,
}

/// The next number of `kind` in `now`'s year: `{kind}-{year}-{n:06}`. Call it
/// inside the transaction that writes the document.
pub async fn next_number(
    conn: &mut AsyncPgConnection,
    kind: &str,
    now: DateTime<Utc>,
) -> QueryResult<String> {
    let drawn: Drawn = diesel::sql_query(NEXT_NUMBER_SQL)
        .bind::<Text, _>(kind)
        .bind::<Integer, _>(now.year())
        .get_result(conn)
        .await?;
    Ok(drawn.number)
}
