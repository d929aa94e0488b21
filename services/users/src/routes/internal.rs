//! `/internal/*`: wallet movements for payments and orders, user and address
//! lookup. Never routed by the gateway; every call must carry
//! `X-Internal-Token`.

use actix_web::{HttpResponse, web};
use shop_client::wire::users::{
    AddressResponse, UserResponse, WalletMovementRequest, WalletMovementResponse,
};
use shop_kit::{Problem, auth::InternalCaller, extract::Json, idempotency::IdempotencyKey};
use uuid::Uuid;

use crate::{
    app::wallet,
    db::models::{address::AddressRow, user::User},
    domain::wallet::{Direction, Movement},
    error::ApiError,
    state::AppState,
};

/// Registers the internal routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/internal/wallets/{user_id}/debit",
        web::post().to(debit_wallet),
    )
    .route(
        "/internal/wallets/{user_id}/credit",
        web::post().to(credit_wallet),
    )
    .route("/internal/users/{id}", web::get().to(get_user))
    .route(
        "/internal/users/{id}/addresses/{address_id}",
        web::get().to(get_address),
    );
}

/// Parses a movement with its (required) key and applies it once.
async fn move_money(
    state: &AppState,
    user_id: Uuid,
    body: &WalletMovementRequest,
    direction: Direction,
) -> Result<HttpResponse, ApiError> {
    let movement = Movement::parse(user_id, direction, body.amount_cents, &body.reason)?;
    let key = IdempotencyKey::parse_field("idempotency_key", &body.idempotency_key)?;
    let movement = movement.keyed(Some(key.as_str().to_owned()));
    let applied = wallet::apply(&state.db, &movement).await?;
    Ok(HttpResponse::Ok().json(applied.into_response()))
}

/// Debits a wallet once per idempotency key; 409 `insufficient_funds` when
/// the balance does not cover it (nothing is debited then).
#[utoipa::path(post, path = "/internal/wallets/{user_id}/debit", params(("user_id" = Uuid, Path, description = "The wallet's owner")), request_body = WalletMovementRequest, responses(
    (status = 200, body = WalletMovementResponse),
    (status = 409, description = "insufficient_funds, idempotency_key_reused or idempotency_key_in_flight", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn debit_wallet(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    user_id: web::Path<Uuid>,
    body: Json<WalletMovementRequest>,
) -> Result<HttpResponse, ApiError> {
    move_money(&state, *user_id, &body, Direction::Debit).await
}

/// Credits a wallet once per idempotency key (refunds).
#[utoipa::path(post, path = "/internal/wallets/{user_id}/credit", params(("user_id" = Uuid, Path, description = "The wallet's owner")), request_body = WalletMovementRequest, responses(
    (status = 200, body = WalletMovementResponse),
    (status = 409, description = "idempotency_key_reused or idempotency_key_in_flight", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn credit_wallet(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    user_id: web::Path<Uuid>,
    body: Json<WalletMovementRequest>,
) -> Result<HttpResponse, ApiError> {
    move_money(&state, *user_id, &body, Direction::Credit).await
}

/// A user by id.
#[utoipa::path(get, path = "/internal/users/{id}", params(("id" = Uuid, Path, description = "The user's id")), responses(
    (status = 200, body = UserResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn get_user(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let user = User::find(&mut conn, *id)
        .await?
        .ok_or_else(|| Problem::not_found("user"))?;
    Ok(HttpResponse::Ok().json(user.to_response()))
}

/// One of a user's saved addresses (checkout ships to it); 404 when the
/// address is not that user's.
#[utoipa::path(get, path = "/internal/users/{id}/addresses/{address_id}", params(
    ("id" = Uuid, Path, description = "The user's id"),
    ("address_id" = Uuid, Path, description = "One of the user's addresses"),
), responses(
    (status = 200, body = AddressResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all)]
pub async fn get_address(
    _caller: InternalCaller,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, address_id) = path.into_inner();
    let mut conn = state.db.get().await?;
    let address = AddressRow::find(&mut conn, user_id, address_id)
        .await?
        .ok_or_else(|| Problem::not_found("address"))?;
    Ok(HttpResponse::Ok().json(address.to_response()))
}
