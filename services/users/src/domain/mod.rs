//! Pure types and rules of the users service: parsed at the edge, no I/O.

pub mod new_user;
pub mod wallet;
