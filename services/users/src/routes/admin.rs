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

/// Every account, oldest first (admin).
#[utoipa::path(get, path = "/api/users", tag = "users", security(("bearer" = ["admin"])),
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 100, description = "Items per page, 1 to 100 (default 20)"),
        ("offset" = Option<i64>, Query, minimum = 0, description = "Items to skip (default 0)"),
    ),
    responses(
        (status = 200, description = "One page of accounts", body = Page<UserResponse>),
        (status = 422, description = "`limit` or `offset` is out of range (`validation_failed`, named in `fields`)", body = shop_client::wire::ProblemDetails),
    )
)]
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

/// One account (admin).
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account", body = UserResponse),
        (status = 404, description = "No such account (`not_found`)", body = shop_client::wire::ProblemDetails),
    )
)]
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

/// Credits a user's wallet (admin).
///
/// With an `Idempotency-Key` header a retry is answered with the first
/// credit instead of crediting twice; without one every request credits.
#[utoipa::path(post, path = "/api/users/{id}/wallet/credit", tag = "users", security(("bearer" = ["admin"])),
    params(
        ("id" = Uuid, Path, description = "The account whose wallet is credited"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$",
            description = "Optional: 1 to 255 visible ASCII characters; a retry with the same key and amount gets the first credit back"),
    ),
    request_body = CreditRequest,
    responses(
        (status = 201, description = "Credited (or credited before under this key: the same movement)", body = WalletMovementResponse),
        (status = 400, description = "A malformed `Idempotency-Key` (`invalid_idempotency_key`), path or body", body = shop_client::wire::ProblemDetails),
        (status = 404, description = "No such account (`not_found`)", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "The key was used for another credit (`idempotency_key_reused`), or its first request is still running (`idempotency_key_in_flight`, see Retry-After)", body = shop_client::wire::ProblemDetails,
            headers(("Retry-After" = u64, description = "With `idempotency_key_in_flight`: seconds to wait before retrying"))),
        (status = 422, description = "A field is invalid (`validation_failed`, named in `fields`)", body = shop_client::wire::ProblemDetails),
    )
)]
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
