//! The problems the gateway answers itself (a service's own problems pass
//! through untouched).

use actix_web::http::StatusCode;
use shop_client::{ClientError, ServiceName, wire::ErrorCode};
use shop_kit::Problem;

/// 429: over a rate limit; retry when the window ends.
pub fn rate_limited(retry_after_secs: u64) -> Problem {
    Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        "Too many requests",
    )
    .detail("slow down: too many requests in this minute")
    .retry_after(retry_after_secs)
}

/// 413: the body is over the gateway's limit.
pub fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BodyTooLarge,
        "Payload too large",
    )
    .detail("the request body is larger than the gateway accepts")
}

/// A service that cannot be reached is a 503 naming it; one too slow is a 504.
pub fn upstream_error(service: ServiceName, error: ClientError) -> Problem {
    match error {
        ClientError::Timeout { .. } => Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            ErrorCode::UpstreamTimeout,
            "Gateway timeout",
        )
        .detail(format!("the {service} service did not answer in time"))
        .service(service.as_str())
        .source(error),
        _ => Problem::unavailable(
            ErrorCode::UpstreamUnavailable,
            format!("the {service} service is unavailable"),
        )
        .service(service.as_str())
        .source(error),
    }
}

/// 503: a service's answer broke off before its body was whole.
pub fn cut_short(service: ServiceName, error: reqwest::Error) -> Problem {
    Problem::unavailable(
        ErrorCode::UpstreamUnavailable,
        format!("the {service} service's answer broke off"),
    )
    .service(service.as_str())
    .source(error)
}
