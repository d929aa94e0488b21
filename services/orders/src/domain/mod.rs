//! Pure order rules: no I/O.

pub mod checkout;
pub mod outcome;
pub mod status;
