//! `GET /api/categories` and `POST /api/categories` (admin).

use actix_web::{HttpResponse, web};
use shop_client::wire::{
    Page,
    catalogue::{CategoryResponse, CreateCategoryRequest},
};
use shop_kit::{
    auth::AdminUser,
    extract::{Json, Query},
};

use crate::{
    db::models::category::Category,
    domain::{category::Slug, listing::PageParams},
    error::ApiError,
    state::AppState,
};

/// Registers the category routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/categories", web::get().to(list_categories))
        .route("/api/categories", web::post().to(create_category));
}

/// Lists the categories by name.
#[utoipa::path(
    get,
    path = "/api/categories",
    params(PageParams),
    responses(
        (status = 200, description = "A page of categories", body = Page<CategoryResponse>),
        (status = 422, description = "`limit` is not 1 to 100 (`validation_failed`, named in `fields`)"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn list_categories(
    state: web::Data<AppState>,
    query: Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = query.parse()?;
    let mut conn = state.db.get().await?;
    let (rows, total) = Category::list(&mut conn, page.limit, page.offset).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(Category::into_response).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Creates a category (admin).
#[utoipa::path(post, path = "/api/categories", request_body = CreateCategoryRequest,
    security(("bearer" = ["admin"])),
    responses(
        (status = 201, description = "The category", body = CategoryResponse,
            headers(("Location" = String, description = "`/api/categories/{slug}`"))),
        (status = 409, description = "The slug is taken (`already_exists`, `fields.slug`)"),
        (status = 422, description = "A field is invalid (`validation_failed`, named in `fields`)"),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn create_category(
    _admin: AdminUser,
    state: web::Data<AppState>,
    body: Json<CreateCategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let slug = Slug::parse(&body.slug)?;
    let name = shop_kit::input::line(100).parse_field("name", &body.name)?;
    let mut conn = state.db.get().await?;
    let category = Category::insert(&mut conn, &slug, &name).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/categories/{}", category.slug)))
        .json(category.into_response()))
}
