//! `/openapi.json`: one OpenAPI 3.1 document for the whole shop, merged from
//! every service's finished document (each service's `/api/*` paths, the
//! schemas they use, the bearer scheme) and the gateway's own routes; and
//! the docs at `/docs`, where a person can authorize once and try them.

use actix_web::{HttpResponse, web};
use futures_util::future::join_all;
use serde_json::{Map, Value, json};
use shop_kit::openapi::{KnownRoutes, METHODS, finish};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::state::ProxyState;

/// Registers `/openapi.json` and `/docs`, and knows the gateway's own routes
/// (for 405 on a method they do not have).
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(KnownRoutes::from_document(&own_document())))
        .route("/openapi.json", web::get().to(merged_openapi))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }),
        )
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .config(Config::from("/openapi.json").persist_authorization(true)),
        );
}

/// The gateway's own routes: the shared ones (`/health*`, `/metrics`,
/// `/openapi.json`), its `/health` aggregating every service.
fn own_document() -> Value {
    let mut doc = utoipa::openapi::OpenApiBuilder::new().build();
    doc.info.title = "gateway".to_owned();
    let mut finished = finish(&doc, "gateway");
    finished["paths"]["/docs"] = json!({"get": {
        "operationId": "gateway_docs",
        "summary": "The interactive API docs (redirects to /docs/)",
        "tags": ["operations"],
        "x-required-role": "none",
        "responses": {"302": {"description": "To /docs/", "headers": {"Location": {"schema": {"type": "string"}}}}}
    }});
    finished
}

/// Every service's document merged into one. A service that cannot be asked
/// is left out (and named in the log) rather than failing the whole document.
pub async fn merged_openapi(state: web::Data<ProxyState>) -> HttpResponse {
    let fetches = state.upstreams.values().map(|client| async move {
        (
            client.service(),
            client.get_json::<Value>("/openapi.json").await,
        )
    });
    let mut merged = own_document();
    merged["info"] = json!({
        "title": "shop",
        "version": env!("CARGO_PKG_VERSION"),
        "description": "The shop's public API, through the gateway on port 9000. Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`; each operation's `x-required-role` says who may call it (`none`, `user`, `admin`).",
    });
    merged["servers"] = json!([{"url": "/", "description": "the gateway"}]);
    let mut tags =
        vec![json!({"name": "operations", "description": "Health, metrics and this document"})];
    for (service, result) in join_all(fetches).await {
        match result {
            Ok(doc) => {
                merge(&mut merged, &doc);
                tags.push(
                    json!({"name": service, "description": format!("The {service} service")}),
                );
            }
            Err(error) => tracing::warn!(service, error = %error, "OpenAPI document left out"),
        }
    }
    merged["tags"] = Value::Array(tags);
    keep_referenced_schemas(&mut merged);
    HttpResponse::Ok().json(merged)
}

/// Drops the schemas no public path refers to, directly or through another
/// schema (those of internal routes and events), so that a generated client
/// holds only what it can meet.
fn keep_referenced_schemas(merged: &mut Value) {
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    if let Some(name) = target.strip_prefix("#/components/schemas/") {
                        found.push(name.to_owned());
                    }
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let Some(schemas) = merged["components"]["schemas"].as_object().cloned() else {
        return;
    };
    let mut pending = Vec::new();
    refs(&merged["paths"], &mut pending);
    let mut kept = Map::new();
    while let Some(name) = pending.pop() {
        if kept.contains_key(&name) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            refs(schema, &mut pending);
            kept.insert(name, schema.clone());
        }
    }
    merged["components"]["schemas"] = Value::Object(kept);
}

/// Adds `doc`'s public paths and their schemas to `merged`. Internal routes
/// are documented by each service but never reachable here; every operation
/// may also meet the gateway's own answers (429, 502, 504).
fn merge(merged: &mut Value, doc: &Value) {
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        if !path.starts_with("/api/") {
            continue;
        }
        let mut item = item.clone();
        for method in METHODS {
            // Looked up with `get_mut`: indexing would insert a null.
            let responses = item
                .get_mut(method)
                .and_then(|operation| operation.get_mut("responses"))
                .and_then(Value::as_object_mut);
            if let Some(responses) = responses {
                add_gateway_answers(responses);
            }
        }
        merged["paths"][path] = item;
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        let target = merged["components"]
            .as_object_mut()
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
        if let Some(Value::Object(target)) = target {
            for (name, schema) in schemas {
                match target.get(name) {
                    None => {
                        target.insert(name.clone(), schema.clone());
                    }
                    Some(kept) if kept != schema => {
                        tracing::warn!(schema = %name, "two services define this schema differently; the first is kept");
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

fn add_gateway_answers(responses: &mut Map<String, Value>) {
    let problem = json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}});
    for (status, description) in [
        (
            "429",
            "Too many requests in this minute (`rate_limited`, see `Retry-After`)",
        ),
        ("502", "A service gave an answer outside its contract"),
        (
            "504",
            "A service did not answer in time (`upstream_timeout`)",
        ),
    ] {
        let mut response = json!({"description": description, "content": problem.clone()});
        if status == "429" {
            response["headers"] = json!({"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}});
        }
        responses.entry(status).or_insert(response);
    }
}
