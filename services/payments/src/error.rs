//! Errors answered by the payments service: the shared problem+json type.

/// Every handler returns this error; see [`shop_kit::Problem`].
pub type ApiError = shop_kit::Problem;
