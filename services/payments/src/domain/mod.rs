//! Pure types and rules of payments: parsed at the edge, no I/O.

pub mod card;
