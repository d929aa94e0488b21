//! `GET /api/categories`.

use actix_web::{HttpResponse, web};
use shop_client::wire::{Page, catalogue::CategoryResponse};
use shop_kit::pagination::PageQuery;

use crate::{db::models::category::Category, error::ApiError, startup::AppState};

/// Registers the category routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/categories", web::get().to(list_categories));
}

/// Lists categories by name.
#[utoipa::path(
    get,
    path = "/api/categories",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of categories", body = Page<CategoryResponse>),
        (status = 422, description = "Bad pagination", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn list_categories(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.parse()?;
    let mut conn = state.db.get().await?;
    let (rows, total) = Category::list(&mut conn, page.limit, page.offset).await?;
    let items = rows
        .into_iter()
        .map(|c| CategoryResponse {
            id: c.id,
            slug: c.slug,
            name: c.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}
