//! The problem+json error every handler returns, and the mappings from
//! database, pool and client errors.

use std::{collections::BTreeMap, fmt};

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use shop_client::{
    ClientError,
    context::current_request_id,
    wire::{ErrorCode, ProblemDetails},
};

/// An error answered as `application/problem+json` (RFC 9457).
///
/// 4xx problems tell the client what to fix. 5xx problems are opaque: the
/// cause chain goes to the log with the request id, never into the body.
#[derive(Debug)]
pub struct Problem {
    // Boxed: handlers return `Result<_, Problem>` everywhere, so keep it small.
    details: Box<ProblemDetails>,
    retry_after_secs: Option<u64>,
    allow: Option<String>,
    source: Option<anyhow::Error>,
}

impl Problem {
    /// A problem with a status, a stable snake_case `code` and a title.
    pub fn new(status: StatusCode, code: ErrorCode, title: &str) -> Self {
        Self {
            details: Box::new(ProblemDetails::new(status.as_u16(), code, title)),
            retry_after_secs: None,
            allow: None,
            source: None,
        }
    }

    /// Adds a human explanation of this occurrence.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.details.detail = Some(detail.into());
        self
    }

    /// Names the service a gateway or dependency error is about.
    #[must_use]
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.details.service = Some(service.into());
        self
    }

    /// Names the lines of the request the problem is about.
    #[must_use]
    pub fn lines(mut self, lines: Vec<serde_json::Value>) -> Self {
        self.details.lines = Some(lines);
        self
    }

    /// Names the fields the problem is about, with why.
    pub fn set_fields(&mut self, fields: BTreeMap<String, String>) {
        self.details.fields = Some(fields);
    }

    /// Adds a `Retry-After` header.
    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_secs = Some(seconds);
        self
    }

    /// Adds an `Allow` header (405: the methods the path has).
    #[must_use]
    pub fn allow(mut self, methods: &[String]) -> Self {
        self.allow = Some(methods.join(", "));
        self
    }

    /// Keeps the cause for the log.
    #[must_use]
    pub fn source(mut self, source: impl Into<anyhow::Error>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// 400 `code`.
    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request").detail(detail)
    }

    /// 422 `validation_failed` with the offending fields.
    pub fn validation(fields: BTreeMap<String, String>) -> Self {
        let mut problem = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ValidationFailed,
            "Validation failed",
        )
        .detail("one or more fields are invalid");
        problem.details.fields = Some(fields);
        problem
    }

    /// 422 `validation_failed` for one field.
    pub fn invalid_field(field: &str, reason: impl Into<String>) -> Self {
        Self::validation(BTreeMap::from([(field.to_owned(), reason.into())]))
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found")
            .detail(format!("{what} not found"))
    }

    /// 409 with `code`.
    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict").detail(detail)
    }

    /// 503 with `code`; the client may retry later.
    pub fn unavailable(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, "Service unavailable")
            .detail(detail)
            .retry_after(1)
    }

    /// 500 `internal_error`; `source` is logged, never shown.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            "Internal server error",
        )
        .source(source)
    }

    /// The stable code.
    pub fn code(&self) -> &ErrorCode {
        &self.details.code
    }

    /// The body that will be sent (without the request id).
    pub fn details(&self) -> &ProblemDetails {
        &self.details
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.details.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.details.status, self.details.code)?;
        if let Some(detail) = &self.details.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status();
        if status.is_server_error() {
            // `{:#}` prints the whole cause chain on one line.
            let cause = self.source.as_ref().map(|e| format!("{e:#}"));
            tracing::error!(code = %self.details.code, cause = cause.as_deref().unwrap_or("-"), "request failed: {self}");
        } else if let Some(source) = &self.source {
            tracing::info!(code = %self.details.code, cause = %format!("{source:#}"), "request rejected");
        }
        let mut body = (*self.details).clone();
        body.request_id = current_request_id();
        let mut response = HttpResponse::build(status);
        response.content_type(ProblemDetails::CONTENT_TYPE);
        if let Some(seconds) = self.retry_after_secs {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        if let Some(methods) = &self.allow {
            response.insert_header(("Allow", methods.as_str()));
        }
        response.json(body)
    }
}

/// The field a unique constraint protects: `users_email_key` on `users` -> `email`.
fn constraint_field(constraint: &str, table: Option<&str>) -> String {
    let base = ["_key", "_idx", "_unique", "_uniq"]
        .iter()
        .find_map(|suffix| constraint.strip_suffix(suffix))
        .unwrap_or(constraint);
    let base = table
        .and_then(|t| base.strip_prefix(t))
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(base);
    base.to_owned()
}

/// Whether a database error means "the database cannot be used right now"
/// (retry later), rather than "this request is wrong" or a bug: the
/// connection closed or could not send, the server is shutting down,
/// starting, recovering or full, or a transaction lost a serialization or
/// deadlock race it may win on a retry.
pub fn is_unavailable(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand
            | DatabaseErrorKind::SerializationFailure
            | DatabaseErrorKind::ReadOnlyTransaction,
            _,
        )
        | DieselError::BrokenTransactionManager => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            // diesel-async keeps no SQLSTATE; these are PostgreSQL's own
            // messages for 57P01-57P03, 53300, 40P01 and a dropped socket.
            const TRANSIENT: [&str; 9] = [
                "terminating connection",
                "the database system is shutting down",
                "the database system is starting up",
                "the database system is in recovery mode",
                "the database system is not yet accepting connections",
                "too many clients",
                "deadlock detected",
                "server closed the connection",
                "connection closed",
            ];
            let message = info.message().to_ascii_lowercase();
            TRANSIENT.iter().any(|m| message.contains(m))
        }
        DieselError::RollbackErrorOnCommit { commit_error, .. } => is_unavailable(commit_error),
        _ => false,
    }
}

impl From<DieselError> for Problem {
    fn from(error: DieselError) -> Self {
        if is_unavailable(&error) {
            return Self::unavailable(
                ErrorCode::DependencyUnavailable,
                "the database is unavailable; retry shortly",
            )
            .service("postgres")
            .source(error);
        }
        match &error {
            DieselError::NotFound => Self::not_found("resource"),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let field = info
                    .constraint_name()
                    .map(|c| constraint_field(c, info.table_name()))
                    .unwrap_or_else(|| "resource".to_owned());
                let mut problem = Self::conflict(
                    ErrorCode::AlreadyExists,
                    format!("a resource with this {field} already exists"),
                );
                problem.details.fields =
                    Some(BTreeMap::from([(field, "already exists".to_owned())]));
                problem
            }
            _ => Self::internal(error),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for Problem {
    fn from(error: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Self::unavailable(
            ErrorCode::DependencyUnavailable,
            "the database is unavailable; retry shortly",
        )
        .service("postgres")
        .source(error)
    }
}

impl From<ClientError> for Problem {
    /// A dependency that cannot be asked is a 503 naming it; any other
    /// unexpected answer is a 502 (the details go to the log).
    fn from(error: ClientError) -> Self {
        let service = error.service();
        if error.is_unavailable() {
            Self::unavailable(
                ErrorCode::DependencyUnavailable,
                format!("the {service} service is unavailable"),
            )
            .service(service)
            .source(error)
        } else {
            Self::new(
                StatusCode::BAD_GATEWAY,
                ErrorCode::DependencyFailed,
                "Bad gateway",
            )
            .detail(format!("the {service} service gave an unexpected answer"))
            .service(service)
            .source(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_constraint_names_its_field() {
        assert_eq!(constraint_field("users_email_key", Some("users")), "email");
        assert_eq!(constraint_field("products_sku_key", None), "products_sku");
        assert_eq!(constraint_field("custom", Some("users")), "custom");
    }

    #[test]
    fn a_server_error_body_hides_its_cause() {
        let problem = Problem::internal(anyhow::anyhow!("password=hunter2 leaked"));
        let response = problem.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!format!("{:?}", problem.details()).contains("hunter2"));
    }
}
