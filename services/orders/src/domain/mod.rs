//! Pure order rules: no I/O.

pub mod checkout;
pub mod status;
