//! `POST /internal/restocks`: returned goods back on hand, once per
//! `restock_id`. Internal: needs `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use shop_client::wire::catalogue::{RestockRequest, RestockResponse};
use shop_kit::{auth::InternalCaller, extract::Json};

use crate::{app::restock, domain::reservation::StockLines, error::ApiError, state::AppState};

/// Registers the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/restocks", web::post().to(restock_products));
}

/// Adds the lines to stock on hand; the same `restock_id` again changes
/// nothing and answers `applied: false`.
#[utoipa::path(post, path = "/internal/restocks", request_body = RestockRequest,
    params(super::InternalToken),
    responses(
    (status = 200, body = RestockResponse),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(restock_id = %body.restock_id))]
pub async fn restock_products(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    body: Json<RestockRequest>,
) -> Result<HttpResponse, ApiError> {
    let lines = StockLines::parse(&body.items)?;
    let restocked = restock::restock(&state, body.restock_id, &lines).await?;
    Ok(HttpResponse::Ok().json(restocked))
}
