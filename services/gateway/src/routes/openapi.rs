//! `/openapi.json` merged from every service, and the docs at `/docs`.

use actix_web::{HttpResponse, web};
use futures_util::future::join_all;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::state::ProxyState;

/// Registers `/openapi.json` and `/docs`.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(merged_openapi))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }),
        )
        .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from("/openapi.json")));
}

/// Every service's document merged into one. A service that cannot be asked
/// is left out (and named in the log) rather than failing the whole document.
pub async fn merged_openapi(state: web::Data<ProxyState>) -> HttpResponse {
    let fetches = state.upstreams.values().map(|client| async move {
        (
            client.service(),
            client.get_json::<OpenApi>("/openapi.json").await,
        )
    });
    let mut merged: OpenApi = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("shop")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The shop's public API, through the gateway on port 9000.",
                ))
                .build(),
        )
        .build();
    for (service, result) in join_all(fetches).await {
        match result {
            Ok(doc) => merged.merge(doc),
            Err(error) => tracing::warn!(service, error = %error, "OpenAPI document left out"),
        }
    }
    // Internal routes are documented by each service but never reachable here.
    merged
        .paths
        .paths
        .retain(|path, _| path.starts_with("/api/"));
    HttpResponse::Ok().json(merged)
}
