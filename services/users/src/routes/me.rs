//! The signed-in user's own account, addresses and wallet.

use actix_web::{HttpResponse, web};
use shop_client::wire::{
    Page,
    users::{Address, AddressResponse, UserResponse, WalletResponse},
};
use shop_kit::{Problem, auth::AuthUser, extract::Json};
use uuid::Uuid;

use crate::{
    app::wallet,
    db::models::{address::AddressRow, user::User},
    error::ApiError,
    state::AppState,
};

/// Registers the `/api/users/me` routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/users/me", web::get().to(get_me))
        .route("/api/users/me/addresses", web::get().to(list_addresses))
        .route("/api/users/me/addresses", web::post().to(create_address))
        .route(
            "/api/users/me/addresses/{id}",
            web::delete().to(delete_address),
        )
        .route("/api/users/me/wallet", web::get().to(get_wallet));
}

/// The signed-in user's account.
#[utoipa::path(get, path = "/api/users/me", responses(
    (status = 200, body = UserResponse),
    (status = 401, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn get_me(user: AuthUser, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let account = User::find(&mut conn, user.id)
        .await?
        .ok_or_else(|| Problem::not_found("user"))?;
    Ok(HttpResponse::Ok().json(account.to_response()))
}

/// The signed-in user's addresses.
#[utoipa::path(get, path = "/api/users/me/addresses", responses((status = 200, body = Page<AddressResponse>)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list_addresses(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let rows = AddressRow::list(&mut conn, user.id).await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(AddressRow::to_response).collect(),
        total,
        limit: total,
        offset: 0,
    }))
}

/// Saves an address.
#[utoipa::path(post, path = "/api/users/me/addresses", request_body = Address, responses(
    (status = 201, body = AddressResponse),
    (status = 422, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create_address(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<Address>,
) -> Result<HttpResponse, ApiError> {
    let address = shop_kit::input::address(&body)?;
    let mut conn = state.db.get().await?;
    let row = AddressRow::insert(&mut conn, &AddressRow::new(user.id, address)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/users/me/addresses/{}", row.id)))
        .json(row.to_response()))
}

/// Deletes one of the signed-in user's addresses; someone else's is a 404.
#[utoipa::path(delete, path = "/api/users/me/addresses/{id}", responses(
    (status = 204),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn delete_address(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    if AddressRow::delete(&mut conn, user.id, *id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(Problem::not_found("address"))
    }
}

/// The balance and the most recent movements.
#[utoipa::path(get, path = "/api/users/me/wallet", responses((status = 200, body = WalletResponse)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn get_wallet(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(wallet::statement(&state, user.id).await?))
}
