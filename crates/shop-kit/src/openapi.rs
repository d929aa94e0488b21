//! The OpenAPI document every service serves, finished the same way: what
//! utoipa derives from the handlers' annotations, plus what is true of every
//! route and would be noise to repeat on each one.
//!
//! - The shared routes (`/health*`, `/metrics`, `/openapi.json`) are added.
//! - The bearer scheme is declared. A handler says who may call it with
//!   `security(("bearer" = []))` (a signed-in user), `security(("bearer" =
//!   ["admin"]))` (an admin: OpenAPI 3.1 lets a bearer requirement name
//!   roles), or `security((), ("bearer" = []))` (anyone, a token is used when
//!   sent); no `security` is public. The role is repeated as
//!   `x-required-role` (`none`, `user`, `admin`), and 401/403 answers are
//!   added to match.
//! - Every error answer is `application/problem+json` with the
//!   `ProblemDetails` schema, and the answers every route can give are added
//!   where a handler did not list them: 400 for a path or query string that
//!   does not parse, 413/415/422 and 400 `invalid_json` for a route with a
//!   body, 405 for a method the path does not have, 500 and 503.
//! - Every operation id is prefixed with the service (unique once merged)
//!   and tagged with it; every response has a description.
//!
//! [`KnownRoutes`] comes from the finished document, so the server answers
//! 405 with `Allow` exactly where the document lists other methods.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// The name of the bearer security scheme.
pub const BEARER: &str = "bearer";

/// The methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `service`'s document, finished (see the module doc).
pub fn finish(doc: &utoipa::openapi::OpenApi, service: &str) -> Value {
    let mut json = serde_json::to_value(doc).unwrap_or_else(|_| json!({}));
    json["openapi"] = json!("3.1.0");
    let paths = json["paths"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut finished = Map::new();
    for (path, mut item) in paths.into_iter().chain(shared_paths()) {
        if let Some(operations) = item.as_object_mut() {
            for (method, operation) in operations.iter_mut() {
                if METHODS.contains(&method.as_str()) {
                    finish_operation(operation, service, &path);
                }
            }
        }
        finished.insert(path, item);
    }
    json["paths"] = Value::Object(finished);
    let components = json
        .as_object_mut()
        .map(|root| root.entry("components").or_insert_with(|| json!({})));
    if let Some(components) = components {
        components["securitySchemes"] = json!({
            BEARER: {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "An access token from POST /api/auth/login (EdDSA JWT). Send it as `Authorization: Bearer <token>`."
            }
        });
        let schemas = components
            .as_object_mut()
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
        if let Some(schemas) = schemas {
            schemas["ProblemDetails"] = problem_schema();
            schemas["HealthReport"] = health_schema();
        }
    }
    json
}

/// Who may call an operation, from its `security`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    OptionalUser,
    User,
    Admin,
}

impl Access {
    fn of(operation: &Value) -> Self {
        let Some(requirements) = operation["security"].as_array() else {
            return Self::Public;
        };
        let anonymous = requirements
            .iter()
            .any(|r| r.as_object().is_some_and(Map::is_empty));
        let roles: Vec<&str> = requirements
            .iter()
            .filter_map(|r| r[BEARER].as_array())
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let bearer = requirements.iter().any(|r| r.get(BEARER).is_some());
        match (bearer, anonymous, roles.contains(&"admin")) {
            (false, _, _) => Self::Public,
            (true, true, _) => Self::OptionalUser,
            (true, false, true) => Self::Admin,
            (true, false, false) => Self::User,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Public | Self::OptionalUser => "none",
            Self::User => "user",
            Self::Admin => "admin",
        }
    }
}

fn finish_operation(operation: &mut Value, service: &str, path: &str) {
    let Some(op) = operation.as_object_mut() else {
        return;
    };
    if let Some(id) = op.get("operationId").and_then(Value::as_str)
        && !id.starts_with(&format!("{service}_"))
    {
        let prefixed = format!("{service}_{id}");
        op.insert("operationId".to_owned(), json!(prefixed));
    }
    // One tag per service (utoipa would tag by module), so the docs and a
    // generated client group operations by the service that owns them.
    if !op.get("tags").is_some_and(|t| t == &json!(["operations"])) {
        op.insert("tags".to_owned(), json!([service]));
    }
    let access = Access::of(&Value::Object(op.clone()));
    op.insert("x-required-role".to_owned(), json!(access.name()));
    let has_body = op.contains_key("requestBody");
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(responses) = responses else {
        return;
    };
    let mut standard: Vec<(&str, &str)> = vec![
        (
            "400",
            "The path, the query string or a header does not parse (`invalid_path`, `invalid_query`, ...), named in `fields` where it can be",
        ),
        ("405", "The path does not have this method (see `Allow`)"),
        (
            "500",
            "Something broke on the server; the cause is in its log under the `request_id`",
        ),
        (
            "503",
            "A database or service this one needs is unavailable (`dependency_unavailable`): retry later",
        ),
    ];
    if has_body {
        standard.extend([
            (
                "413",
                "The body is larger than the route accepts (`body_too_large`)",
            ),
            (
                "415",
                "The body is not `application/json` (`unsupported_media_type`)",
            ),
            (
                "422",
                "A field is invalid (`validation_failed`, named in `fields`)",
            ),
        ]);
    }
    match access {
        Access::Public => {}
        Access::OptionalUser => standard.push((
            "401",
            "A token was sent and it is not valid (`unauthorized`)",
        )),
        Access::User => standard.push(("401", "No valid bearer token (`unauthorized`)")),
        Access::Admin => standard.extend([
            ("401", "No valid bearer token (`unauthorized`)"),
            ("403", "The token is not an admin's (`forbidden`)"),
        ]),
    }
    if path.contains('{') {
        standard.push(("404", "No such resource, or not the caller's (`not_found`)"));
    }
    for (status, description) in standard {
        responses
            .entry(status)
            .or_insert_with(|| json!({"description": description}));
    }
    for (status, response) in responses.iter_mut() {
        finish_response(status, response);
    }
}

fn finish_response(status: &str, response: &mut Value) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    let missing = response
        .get("description")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    if missing {
        response.insert("description".to_owned(), json!(reason(status)));
    }
    if status.starts_with('4') || status.starts_with('5') {
        response.insert(
            "content".to_owned(),
            json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}),
        );
        if matches!(status, "429" | "503")
            && let Some(headers) = response
                .entry("headers")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        {
            headers.entry("Retry-After").or_insert_with(|| {
                json!({"description": "Seconds to wait before retrying", "schema": {"type": "integer"}})
            });
        }
        if status == "405"
            && let Some(headers) = response
                .entry("headers")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        {
            headers.entry("Allow").or_insert_with(
                || json!({"description": "The methods the path has", "schema": {"type": "string"}}),
            );
        }
    }
}

/// The reason phrase of a status, for responses documented without words.
fn reason(status: &str) -> String {
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Response")
        .to_owned()
}

/// The routes every service has (`shop_kit::health`, `metrics`, `server`).
fn shared_paths() -> Vec<(String, Value)> {
    let schema = json!({"$ref": "#/components/schemas/HealthReport"});
    let report = json!({"description": "The readiness report (`ok` or `degraded`)", "content": {"application/json": {"schema": schema.clone()}}});
    let down = json!({"description": "A dependency the service needs is down", "content": {"application/json": {"schema": schema}}});
    let operation = |id: &str, summary: &str, responses: Value| json!({"get": {"operationId": id, "summary": summary, "tags": ["operations"], "responses": responses}});
    vec![
        (
            "/health/live".to_owned(),
            operation(
                "health_live",
                "The process is up (no I/O)",
                json!({"200": {"description": "Alive"}}),
            ),
        ),
        (
            "/health/ready".to_owned(),
            operation(
                "health_ready",
                "Whether the service can serve",
                json!({"200": report.clone(), "503": down.clone()}),
            ),
        ),
        (
            "/health".to_owned(),
            operation(
                "health",
                "The readiness report",
                json!({"200": report, "503": down}),
            ),
        ),
        (
            "/metrics".to_owned(),
            operation(
                "metrics",
                "Prometheus metrics",
                json!({"200": {"description": "The metrics, in the Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}),
            ),
        ),
        (
            "/openapi.json".to_owned(),
            operation(
                "openapi",
                "This document",
                json!({"200": {"description": "The OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}}),
            ),
        ),
    ]
}

/// The health report (`shop_client::wire::HealthReport`).
fn health_schema() -> Value {
    json!({
        "type": "object",
        "required": ["status", "service", "version", "checks"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded", "down"]},
            "service": {"type": "string"},
            "version": {"type": "string"},
            "checks": {"type": "object", "additionalProperties": {
                "type": "object",
                "required": ["status", "latency_ms"],
                "properties": {
                    "status": {"type": "string", "enum": ["up", "down"]},
                    "latency_ms": {"type": "integer", "minimum": 0},
                    "error": {"type": "string"}
                }
            }}
        }
    })
}

/// `ProblemDetails` with its `code` as the enum of every known code.
fn problem_schema() -> Value {
    let codes: Vec<&str> = shop_client::wire::ErrorCode::ALL
        .iter()
        .map(shop_client::wire::ErrorCode::as_str)
        .collect();
    json!({
        "type": "object",
        "description": "An `application/problem+json` body (RFC 9457). Clients branch on `code`, never on `title` or `detail`.",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {"type": "string", "description": "`urn:shop:problem:<code>`"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "code": {"type": "string", "enum": codes},
            "request_id": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "For `validation_failed`: each bad field and why"},
            "service": {"type": "string", "description": "The service a dependency or gateway error is about"},
            "lines": {"type": "array", "items": {"type": "object"}, "description": "For `out_of_stock`: the lines that could not be had"}
        }
    })
}

/// An operation whose last path parameter takes the rest of the path,
/// slashes and all (`/media/{key}` for `/media/a/b/c.jpg`), says so with
/// this extension set to `true`; OpenAPI's templates cannot.
pub const PATH_TAIL: &str = "x-path-tail";

/// The paths of a finished document and their methods, to tell a method a
/// path does not have (405) from a path that does not exist (404).
#[derive(Debug, Clone, Default)]
pub struct KnownRoutes {
    routes: Vec<(Vec<Segment>, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
    /// The rest of the path, one segment or more ([`PATH_TAIL`]).
    Tail,
}

impl KnownRoutes {
    /// The routes `doc` lists (its `paths`).
    pub fn from_document(doc: &Value) -> Self {
        let mut routes = BTreeMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let methods: Vec<String> = METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
            let tail = METHODS
                .iter()
                .any(|m| item[*m][PATH_TAIL] == Value::Bool(true));
            let mut segments: Vec<Segment> = path
                .trim_start_matches('/')
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        Segment::Param
                    } else {
                        Segment::Literal(s.to_owned())
                    }
                })
                .collect();
            if tail && segments.last() == Some(&Segment::Param) {
                segments.pop();
                segments.push(Segment::Tail);
            }
            routes.insert(path.clone(), (segments, methods));
        }
        Self {
            routes: routes.into_values().collect(),
        }
    }

    /// The methods of the documented path `path` matches, if any.
    pub fn methods_of(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut methods: Vec<String> = self
            .routes
            .iter()
            .filter(|(segments, _)| {
                let tail = segments.last() == Some(&Segment::Tail);
                (segments.len() == parts.len() || tail && parts.len() > segments.len())
                    && segments.iter().zip(&parts).all(|(s, p)| match s {
                        Segment::Param | Segment::Tail => !p.is_empty(),
                        Segment::Literal(l) => l == p,
                    })
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        methods.sort();
        methods.dedup();
        (!methods.is_empty()).then_some(methods)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_other_methods_is_known_and_an_unknown_one_is_not() {
        let doc = json!({"paths": {
            "/api/products": {"get": {}, "post": {}},
            "/api/products/{id}": {"get": {}, "delete": {}},
            "/api/products/{id}/stock": {"put": {}},
        }});
        let known = KnownRoutes::from_document(&doc);
        assert_eq!(known.methods_of("/api/products").unwrap(), ["GET", "POST"]);
        assert_eq!(
            known.methods_of("/api/products/MUG-1").unwrap(),
            ["DELETE", "GET"]
        );
        assert_eq!(
            known.methods_of("/api/products/MUG-1/stock").unwrap(),
            ["PUT"]
        );
        assert_eq!(known.methods_of("/api/nothing"), None);
        assert_eq!(known.methods_of("/api/products/a/b/c"), None);
    }

    #[test]
    fn a_tail_parameter_takes_the_rest_of_the_path() {
        let doc = json!({"paths": {
            "/media/{key}": {"get": {PATH_TAIL: true}},
            "/files/{name}": {"get": {}},
        }});
        let known = KnownRoutes::from_document(&doc);
        assert_eq!(known.methods_of("/media/a").unwrap(), ["GET"]);
        assert_eq!(known.methods_of("/media/a/b/c.jpg").unwrap(), ["GET"]);
        assert_eq!(known.methods_of("/media/"), None);
        assert_eq!(known.methods_of("/media"), None);
        assert_eq!(known.methods_of("/files/a/b"), None);
    }

    #[test]
    fn operations_get_their_access_errors_and_problem_bodies() {
        let mut doc = utoipa::openapi::OpenApiBuilder::new().build();
        doc.info.title = "users".to_owned();
        let finished = finish(&doc, "users");
        assert_eq!(finished["openapi"], "3.1.0");
        assert!(finished["paths"]["/health/ready"]["get"].is_object());
        assert_eq!(
            finished["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );

        let mut op = json!({"operationId": "get_me", "security": [{"bearer": []}],
                            "responses": {"200": {"description": "ok"}, "404": {"content": {"application/json": {}}}}});
        finish_operation(&mut op, "users", "/api/users/{id}");
        assert_eq!(op["operationId"], "users_get_me");
        assert_eq!(op["x-required-role"], "user");
        assert!(op["responses"]["401"].is_object());
        assert!(op["responses"]["403"].is_null());
        assert!(op["responses"]["404"]["content"]["application/problem+json"].is_object());
        assert!(op["responses"]["404"]["content"]["application/json"].is_null());
        assert_eq!(op["responses"]["404"]["description"], "Not Found");

        let mut admin = json!({"operationId": "x", "security": [{"bearer": ["admin"]}], "requestBody": {}, "responses": {}});
        finish_operation(&mut admin, "users", "/api/users");
        assert_eq!(admin["x-required-role"], "admin");
        for status in [
            "401", "403", "413", "415", "422", "400", "405", "500", "503",
        ] {
            assert!(admin["responses"][status].is_object(), "{status}");
        }
    }
}
