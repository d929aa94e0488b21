//! Request-scoped context that travels with every outgoing call.

tokio::task_local! {
    /// The `X-Request-Id` of the request being served; set by the server runtime.
    pub static REQUEST_ID: String;
}

/// The request id of the request this task is serving, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
