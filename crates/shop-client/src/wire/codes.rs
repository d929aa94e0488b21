//! The stable `code` of every problem the shop answers, as one enum shared by
//! the servers that send it and the clients that branch on it. The names
//! below are the wire spelling; nothing else in the shop spells a code.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// Why a request failed, machine-readable (`problem.code`).
        ///
        /// A code this build does not know (a newer server) decodes as
        /// [`ErrorCode::Other`] with its spelling kept.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code this build does not know.
            Other(String),
        }

        impl ErrorCode {
            /// Every known code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $name,)*
                    Self::Other(name) => name,
                }
            }
        }

        impl FromStr for ErrorCode {
            type Err = std::convert::Infallible;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Ok(match raw {
                    $($name => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                })
            }
        }
    };
}

error_codes! {
    /// The same resource (a unique field) exists already (409).
    AlreadyExists => "already_exists",
    /// Fulfilment began packing: the order can no longer be withdrawn.
    AlreadyPacked => "already_packed",
    /// Tokens cannot be checked right now (the key set is unreachable).
    AuthUnavailable => "auth_unavailable",
    /// The body is larger than the route accepts (413).
    BodyTooLarge => "body_too_large",
    /// Every password hasher is busy; retry after `Retry-After`.
    Busy => "busy",
    /// A checkout of an empty cart.
    CartEmpty => "cart_empty",
    /// The stock hold lapsed before the sale; the payment was refunded.
    CheckoutFailed => "checkout_failed",
    /// A checkout with this key is still running; retry after `Retry-After`.
    CheckoutInProgress => "checkout_in_progress",
    /// The checkout stopped before the card was charged.
    CheckoutInterrupted => "checkout_interrupted",
    /// A write authenticated by the gateway's session cookie without the
    /// session's `X-CSRF-Token` header (403).
    CsrfFailed => "csrf_failed",
    /// Another service gave an answer outside its contract (502).
    DependencyFailed => "dependency_failed",
    /// A service or the database this one needs cannot be reached (503).
    DependencyUnavailable => "dependency_unavailable",
    /// The caller may not do this (403).
    Forbidden => "forbidden",
    /// A request with this idempotency key is still being processed.
    IdempotencyKeyInFlight => "idempotency_key_in_flight",
    /// The route needs an `Idempotency-Key` header.
    IdempotencyKeyRequired => "idempotency_key_required",
    /// The key was used before for a different request.
    IdempotencyKeyReused => "idempotency_key_reused",
    /// The picture cannot be decoded: truncated or corrupt (422).
    ImageInvalid => "image_invalid",
    /// The picture has more pixels than are accepted (422).
    ImageTooLarge => "image_too_large",
    /// The upload is not a JPEG, PNG or WebP picture, whatever it is called (415).
    ImageUnsupported => "image_unsupported",
    /// The wallet holds less than the debit.
    InsufficientFunds => "insufficient_funds",
    /// A 500: the cause is in the log, under the request id.
    InternalError => "internal_error",
    /// A body that could not be read.
    InvalidBody => "invalid_body",
    /// An `X-Cart-Id` that is not a cart id.
    InvalidCartId => "invalid_cart_id",
    /// Wrong email or password.
    InvalidCredentials => "invalid_credentials",
    /// An `Idempotency-Key` that breaks the rule.
    InvalidIdempotencyKey => "invalid_idempotency_key",
    /// A body that is not JSON.
    InvalidJson => "invalid_json",
    /// An HTTP method the gateway cannot forward.
    InvalidMethod => "invalid_method",
    /// A path with a dot segment, an encoded slash or a control character.
    InvalidPath => "invalid_path",
    /// A query string that does not parse.
    InvalidQuery => "invalid_query",
    /// The order cannot move to the status asked for.
    InvalidTransition => "invalid_transition",
    /// A media link past its expiry (403): fetch the product for a new one.
    LinkExpired => "link_expired",
    /// A media link whose signature does not match (403).
    LinkInvalid => "link_invalid",
    /// The path exists but not with this method (405, see `Allow`).
    MethodNotAllowed => "method_not_allowed",
    /// The order is past the point where it can be cancelled.
    NotCancellable => "not_cancellable",
    /// Only a delivered order can be returned.
    NotDelivered => "not_delivered",
    /// No such resource, or not the caller's (404).
    NotFound => "not_found",
    /// The order has no invoice (it was never paid).
    NotInvoiced => "not_invoiced",
    /// Some lines cannot be had in the quantity asked (`lines` names them).
    OutOfStock => "out_of_stock",
    /// The card or the wallet refused the charge (402).
    PaymentDeclined => "payment_declined",
    /// The payment captured no money, so nothing can be refunded.
    PaymentNotCaptured => "payment_not_captured",
    /// The payment is still being processed; retry with the same key.
    PaymentPending => "payment_pending",
    /// A product in the cart is no longer sold.
    ProductUnavailable => "product_unavailable",
    /// Too many requests in this minute (429).
    RateLimited => "rate_limited",
    /// More than is left of the payment.
    RefundExceedsPayment => "refund_exceeds_payment",
    /// The refund is booked but not paid out yet; retry with the same key.
    RefundPending => "refund_pending",
    /// The reservation is in another final state (committed, released, expired).
    ReservationState => "reservation_state",
    /// The return window closed.
    ReturnWindowClosed => "return_window_closed",
    /// Stock on hand cannot go below what is reserved.
    StockBelowReserved => "stock_below_reserved",
    /// The media store cannot be reached; nothing was stored (503).
    StorageUnavailable => "storage_unavailable",
    /// The packing task was cancelled.
    TaskCancelled => "task_cancelled",
    /// Too many failed logins (429).
    TooManyAttempts => "too_many_attempts",
    /// No valid bearer token (401).
    Unauthorized => "unauthorized",
    /// A body in another media type than JSON (415).
    UnsupportedMediaType => "unsupported_media_type",
    /// The gateway's upstream answered too late (504).
    UpstreamTimeout => "upstream_timeout",
    /// The gateway's upstream cannot be reached (503).
    UpstreamUnavailable => "upstream_unavailable",
    /// One or more fields are invalid (`fields` names them).
    ValidationFailed => "validation_failed",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(raw.parse().unwrap_or_else(|never| match never {}))
    }
}

impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Self::ALL.iter().map(ErrorCode::as_str)))
            .description(Some("The stable machine-readable reason"))
            .into()
    }
}

impl utoipa::ToSchema for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_an_unknown_one_is_kept() {
        for code in ErrorCode::ALL {
            let wire = serde_json::to_string(code).unwrap();
            assert_eq!(serde_json::from_str::<ErrorCode>(&wire).unwrap(), *code);
        }
        let newer: ErrorCode = serde_json::from_str("\"from_the_future\"").unwrap();
        assert_eq!(newer, ErrorCode::Other("from_the_future".to_owned()));
        assert_eq!(newer.as_str(), "from_the_future");
    }
}
