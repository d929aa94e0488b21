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
#[utoipa::path(get, path = "/api/users/me", tag = "users", security(("bearer" = [])), responses(
    (status = 200, description = "The account", body = UserResponse),
    (status = 404, description = "The token's account no longer exists (`not_found`)", body = shop_client::wire::ProblemDetails),
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
///
/// Every saved address, oldest first, on one page (`limit` is `total`).
#[utoipa::path(get, path = "/api/users/me/addresses", tag = "users", security(("bearer" = [])), responses(
    (status = 200, description = "The addresses", body = Page<AddressResponse>),
))]
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
///
/// Every field is trimmed, a blank `line2` is dropped and the country is
/// upper-cased; checkout can then ship to it by its id.
#[utoipa::path(post, path = "/api/users/me/addresses", tag = "users", security(("bearer" = [])), request_body = Address, responses(
    (status = 201, description = "The saved address", body = AddressResponse,
        headers(("Location" = String, description = "The address: `/api/users/me/addresses/{id}`"))),
    (status = 422, description = "A field is invalid (`validation_failed`, named in `fields`)", body = shop_client::wire::ProblemDetails),
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

/// Deletes one of the signed-in user's addresses.
///
/// Someone else's address is a 404, as if it did not exist.
#[utoipa::path(delete, path = "/api/users/me/addresses/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The address's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such address of the caller's (`not_found`)", body = shop_client::wire::ProblemDetails),
    )
)]
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

/// The signed-in user's wallet: the balance and the most recent movements.
///
/// The 20 most recent ledger entries, newest first.
#[utoipa::path(get, path = "/api/users/me/wallet", tag = "users", security(("bearer" = [])), responses(
    (status = 200, description = "The wallet", body = WalletResponse),
    (status = 404, description = "The token's account no longer exists (`not_found`)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn get_wallet(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(wallet::statement(&state, user.id).await?))
}
