//! Pure types and rules of payments, with no I/O: a charge request parsed
//! into what may be charged, what a card or wallet answer means for the
//! payment, and where a payment's status may go.

pub mod charge;
pub mod refund;
pub mod status;
