//! Pure fulfilment rules, no I/O: which status may follow which, what a
//! return may ask back, and which event tells orders an order moved on.

pub mod progress;
pub mod returns;
pub mod status;
