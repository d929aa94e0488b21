//! Server bootstrap: the middleware stack, the shared routes and [`Application`].

use shop_client::wire::ErrorCode;
use std::net::TcpListener;

use actix_web::{
    App, HttpMessage, HttpResponse, HttpServer,
    body::{EitherBody, MessageBody},
    dev::{Server, ServiceRequest, ServiceResponse},
    error::{JsonPayloadError, PathError, QueryPayloadError},
    http::header::{self, HeaderName, HeaderValue},
    middleware::{DefaultHeaders, Next, from_fn},
    web,
};
use opentelemetry::{global, propagation::Extractor, trace::TraceContextExt as _};
use shop_client::context::REQUEST_ID;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder, TracingLogger};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::{Problem, config::ServerSettings, health::Health, metrics::Metrics, workers::Workers};

/// The header carrying the request id end to end.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How long an idle connection stays open: longer than any client of the
/// shop's keeps one (`shop_client::http::POOL_IDLE_TIMEOUT`), so that the
/// client, never the server, ends it. With actix's default of 5 s the
/// gateway sometimes sent a request on a connection a service was closing,
/// and answered 503 (the fuzzer found it).
pub const KEEP_ALIVE: std::time::Duration =
    shop_client::http::POOL_IDLE_TIMEOUT.saturating_add(std::time::Duration::from_secs(15));

/// The header naming the service that answered.
pub const SERVED_BY_HEADER: &str = "x-served-by";

/// The request id of a request, in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// A bound, configured server (and its background workers) that has not
/// started serving yet.
pub struct Application {
    port: u16,
    server: Server,
    workers: Workers,
    stop_signals: StopSignals,
    shutdown_timeout: std::time::Duration,
}

impl Application {
    /// Binds `settings.host:settings.port` (port 0 picks a free one) and builds
    /// the server with the shared middleware and routes plus `configure`.
    pub fn build<F>(
        settings: &ServerSettings,
        health: Health,
        metrics: Metrics,
        configure: F,
    ) -> anyhow::Result<Self>
    where
        F: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
    {
        // Listened for before anything runs: a SIGTERM that comes while the
        // service starts stops it cleanly instead of killing it.
        let stop_signals = StopSignals::listen()?;
        let listener = TcpListener::bind((settings.host.as_str(), settings.port)).map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {}:{} (HOST, PORT): {e}",
                settings.host,
                settings.port
            )
        })?;
        let port = listener.local_addr()?.port();
        let service = health.service();
        let health = web::Data::new(health);
        let metrics = web::Data::new(metrics);
        let body_limit = settings.body_limit_bytes;
        let server = HttpServer::new(move || {
            App::new()
                // Innermost first: a path that could mean two things is
                // refused before any route sees it; metrics see the final
                // status, the tracing span sees the request id, and the
                // request id wraps it all.
                .wrap(from_fn(refuse_ambiguous_paths))
                .wrap(from_fn(crate::metrics::record))
                // Which service answered: the gateway passes it through, so a
                // client and the connectivity checks can tell. No answer is
                // to be sniffed into another type than it says.
                .wrap(
                    DefaultHeaders::new()
                        .add((SERVED_BY_HEADER, service))
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")),
                )
                .wrap(TracingLogger::<ShopRootSpan>::new())
                .wrap(from_fn(request_id))
                .app_data(health.clone())
                .app_data(metrics.clone())
                .app_data(crate::extract::BodyLimit(body_limit))
                .app_data(
                    web::JsonConfig::default()
                        .limit(body_limit)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::PayloadConfig::new(body_limit))
                .configure(crate::health::config)
                .configure(crate::metrics::config)
                .configure(configure.clone())
                .default_service(web::to(not_found))
        })
        // Responses go out as several writes (headers, then body chunks, as
        // the gateway streams them): without TCP_NODELAY, Nagle's algorithm
        // and the peer's delayed ACK add ~40 ms to some of them.
        .on_connect(|connection, _extensions| {
            if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
        })
        .keep_alive(KEEP_ALIVE)
        .workers(settings.workers)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        // Signals are handled in `run_until_stopped`, which stops the
        // workers alongside the server.
        .disable_signals()
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            workers: Workers::new(),
            stop_signals,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    /// Where the service starts its background workers: they are told to
    /// stop with the server. Only a built application hands them out, so no
    /// worker runs before the stop signals are listened for.
    pub fn workers(&self) -> &Workers {
        &self.workers
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT; then, for at most
    /// `SHUTDOWN_TIMEOUT_SECS`, drains in-flight requests while the workers
    /// finish the work they hold, and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self {
            server,
            workers,
            mut stop_signals,
            shutdown_timeout,
            ..
        } = self;
        let handle = server.handle();
        let mut server = std::pin::pin!(server);
        tokio::select! {
            result = &mut server => return result,
            () = stop_signals.recv() => {}
        }
        tracing::info!(
            timeout_secs = shutdown_timeout.as_secs(),
            "stopping: draining requests and workers"
        );
        // The server future processes the stop command, so it is polled
        // alongside it; the workers stop at the same time.
        let (result, (), workers_stopped) = tokio::join!(
            &mut server,
            handle.stop(true),
            workers.stop(shutdown_timeout)
        );
        if !workers_stopped {
            tracing::warn!(
                "workers still busy at the shutdown timeout; their work resumes at the next start"
            );
        }
        result
    }
}

fn path_error(error: PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    crate::extract::path_problem(&error).into()
}

/// SIGTERM (what `docker stop` and Kubernetes send) and SIGINT, listened for
/// from the moment they are created: one that arrives before anything waits
/// for it is kept, not handled by the default action (which kills).
struct StopSignals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind| {
            signal(kind).map_err(|e| anyhow::anyhow!("cannot listen for SIGTERM and SIGINT: {e}"))
        };
        Ok(Self {
            terminate: listen(SignalKind::terminate())?,
            interrupt: listen(SignalKind::interrupt())?,
        })
    }

    /// Resolves on the first of them.
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}

/// Routes take their bodies and queries through [`crate::extract`]; should
/// one use actix's own extractors, their errors still never quote the input.
fn query_error(_error: QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    Problem::bad_request(ErrorCode::InvalidQuery, "the query string is not valid").into()
}

fn json_error(error: JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::ContentType => Problem::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Unsupported media type",
        ),
        _ => Problem::bad_request(
            ErrorCode::InvalidJson,
            "the body is not valid for this route",
        ),
    }
    .into()
}

/// No route matched: a documented path with another method is a 405 with
/// `Allow`; anything else a 404.
async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, Problem> {
    let known = req
        .app_data::<web::Data<crate::openapi::KnownRoutes>>()
        .and_then(|known| known.methods_of(req.path()));
    match known {
        Some(methods) => Err(Problem::new(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            shop_client::wire::ErrorCode::MethodNotAllowed,
            "Method not allowed",
        )
        .detail(format!("this path answers {}", methods.join(", ")))
        .allow(&methods)),
        None => Err(Problem::not_found("route")),
    }
}

/// Middleware: a path with a dot segment, an encoded slash or a control
/// character (however encoded) is a 400 and goes no further; see
/// [`crate::input::check_path`].
async fn refuse_ambiguous_paths(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Err(refusal) = crate::input::check_path(req.uri().path()) {
        let problem = Problem::bad_request(ErrorCode::InvalidPath, refusal.to_string());
        let response = actix_web::ResponseError::error_response(&problem);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// A request id a client sent is kept if it is short and printable; otherwise
/// a fresh UUID v7 is used.
fn acceptable_request_id(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| s.to_owned())
}

/// Middleware: gives every request an id (kept from `X-Request-Id` or new),
/// makes it visible to logs, error bodies and outgoing calls, and echoes it.
async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(acceptable_request_id)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = REQUEST_ID.scope(id.clone(), next.call(req)).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

struct ActixHeaders<'a>(&'a actix_web::http::header::HeaderMap);

impl Extractor for ActixHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The root span of every request: continues the caller's W3C trace context
/// and carries `request_id` and `trace_id` into every log line.
pub struct ShopRootSpan;

impl RootSpanBuilder for ShopRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        let span = tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.uri().path(),
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{} {route}", request.method()),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            request_id = %request_id,
            trace_id = tracing::field::Empty,
        );
        let parent =
            global::get_text_map_propagator(|p| p.extract(&ActixHeaders(request.headers())));
        if parent.span().span_context().is_valid() {
            // Only fails when no OpenTelemetry layer is installed (some tests).
            let _attached = span.set_parent(parent);
        }
        let trace_id = span.context().span().span_context().trace_id();
        span.record("trace_id", tracing::field::display(trace_id));
        span
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Serves a service's OpenAPI document at `/openapi.json`, finished by
/// [`crate::openapi::finish`] (its title names the service), and answers 405
/// with `Allow` for a method a documented path does not have.
pub fn openapi(cfg: &mut web::ServiceConfig, doc: &utoipa::openapi::OpenApi) {
    let finished = crate::openapi::finish(doc, &doc.info.title);
    serve_document(cfg, &finished);
}

/// Serves a finished document at `/openapi.json` (the gateway's merged one
/// goes through here too) and knows its routes for 405s.
pub fn serve_document(cfg: &mut web::ServiceConfig, finished: &serde_json::Value) {
    cfg.app_data(web::Data::new(crate::openapi::KnownRoutes::from_document(
        finished,
    )));
    let body = finished.to_string();
    cfg.route(
        "/openapi.json",
        web::get().to(move || {
            let body = body.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(body)
            }
        }),
    );
}

/// `<binary> healthcheck`: the container health probe, so runtime images need
/// no curl. Returns the exit code when the subcommand was asked for: 0 when
/// `GET http://127.0.0.1:$PORT{path}` answers 200 within two seconds.
pub fn healthcheck_command(default_port: u16, path: &str) -> Option<i32> {
    if std::env::args().nth(1).as_deref() != Some("healthcheck") {
        return None;
    }
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(default_port);
    Some(match probe(port, path) {
        Ok(200) => 0,
        Ok(status) => {
            eprintln!("healthcheck: {path} answered {status}");
            1
        }
        Err(e) => {
            eprintln!("healthcheck: {path}: {e}");
            1
        }
    })
}

fn probe(port: u16, path: &str) -> std::io::Result<u16> {
    use std::io::{Read as _, Write as _};
    let timeout = std::time::Duration::from_secs(2);
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head)?;
    // "HTTP/1.1 200 OK"
    std::str::from_utf8(&head[..n])
        .ok()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP answer"))
}
