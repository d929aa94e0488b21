//! `GET /internal/products?ids=...`: current prices and availability, for
//! orders to reprice a cart. Internal: needs `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shop_client::wire::catalogue::PriceResponse;
use shop_kit::{Problem, auth::InternalCaller, extract::Query};
use uuid::Uuid;

use crate::{db::models::product::ProductRecord, error::ApiError, state::AppState};

/// The most products one call may ask about.
const MAX_IDS: usize = 100;

/// Registers the route.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/internal/products", web::get().to(product_prices));
}

/// `?ids=a,b,c`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    /// Comma-separated product ids (at most 100).
    pub ids: String,
}

impl PriceQuery {
    /// 1 to [`MAX_IDS`] product ids; otherwise a 422 naming `ids`.
    fn parse(&self) -> Result<Vec<Uuid>, Problem> {
        let ids = self
            .ids
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| Uuid::parse_str(s.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| Problem::invalid_field("ids", "must be comma-separated product ids"))?;
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(Problem::invalid_field("ids", "must name 1 to 100 products"));
        }
        Ok(ids)
    }
}

/// Current prices and availability; unknown ids are left out.
#[utoipa::path(get, path = "/internal/products", params(PriceQuery, super::InternalToken), responses((status = 200, body = Vec<PriceResponse>)))]
#[tracing::instrument(skip_all)]
pub async fn product_prices(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    query: Query<PriceQuery>,
) -> Result<HttpResponse, ApiError> {
    let ids = query.parse()?;
    let mut conn = state.db.get().await?;
    Ok(HttpResponse::Ok().json(ProductRecord::prices(&mut conn, &ids).await?))
}
