//! Admin routes: list and inspect users, credit a wallet.

use actix_web::{HttpRequest, HttpResponse, web};
use shop_client::wire::{
    Page,
    users::{CreditRequest, UserResponse, WalletMovementResponse},
};
use shop_kit::{
    Problem,
    auth::AdminUser,
    extract::{Json, Query},
    idempotency::IdempotencyKey,
    pagination::PageQuery,
};
use uuid::Uuid;

use crate::{
    app::wallet,
    db::models::user::User,
    domain::wallet::{Direction, Movement},
    error::ApiError,
    state::AppState,
};

/// Registers the admin routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/users", web::get().to(list_users))
        .route("/api/users/{id}", web::get().to(get_user))
        .route(
            "/api/users/{id}/wallet/credit",
            web::post().to(credit_wallet),
        );
}

/// Every account, oldest first.
#[utoipa::path(get, path = "/api/users", params(PageQuery), responses(
    (status = 200, body = Page<UserResponse>),
    (status = 403, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn list_users(
    _admin: AdminUser,
    state: web::Data<AppState>,
    query: Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.parse()?;
    let mut conn = state.db.get().await?;
    let (rows, total) = User::list(&mut conn, page.limit, page.offset).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(User::to_response).collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One account.
#[utoipa::path(get, path = "/api/users/{id}", responses(
    (status = 200, body = UserResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn get_user(
    _admin: AdminUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let user = User::find(&mut conn, *id)
        .await?
        .ok_or_else(|| Problem::not_found("user"))?;
    Ok(HttpResponse::Ok().json(user.to_response()))
}

/// Credits a wallet. With an `Idempotency-Key` header a retry is answered
/// with the first credit instead of crediting twice.
#[utoipa::path(post, path = "/api/users/{id}/wallet/credit", request_body = CreditRequest, responses(
    (status = 201, body = WalletMovementResponse),
    (status = 400, description = "A malformed Idempotency-Key", body = shop_client::wire::ProblemDetails),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "Idempotency key reused", body = shop_client::wire::ProblemDetails),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %id))]
pub async fn credit_wallet(
    admin: AdminUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: Json<CreditRequest>,
) -> Result<HttpResponse, ApiError> {
    let movement = Movement::parse(*id, Direction::Credit, body.amount_cents, &body.reason)?
        // Scoped to admin credits, so it cannot collide with a service's keys.
        .keyed(IdempotencyKey::from_header(&req)?.map(|key| key.scoped("admin-credit")));
    let credited = wallet::apply(&state.db, &movement).await?.into_response();
    tracing::info!(admin_id = %admin.0.id, entry_id = %credited.entry_id, "wallet credited by an admin");
    Ok(HttpResponse::Created().json(credited))
}
