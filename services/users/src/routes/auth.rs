//! `POST /api/auth/register`.

use actix_web::{HttpResponse, web};
use shop_client::wire::users::{RegisterRequest, UserResponse};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::user::{NewUserRow, User},
    domain::{new_user::NewUser, password},
    error::ApiError,
    startup::AppState,
};

/// Registers the auth routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/auth/register", web::post().to(register));
}

/// Creates a customer account.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The new account", body = UserResponse),
        (status = 409, description = "The email is taken", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "A field is invalid (named in `fields`)", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let new_user = NewUser::parse(&body).map_err(Problem::validation)?;
    let secret = new_user.password.clone();
    let password_hash = web::block(move || password::hash(&secret))
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)?;
    let mut conn = state.db.get().await?;
    let user = User::insert(
        &mut conn,
        &NewUserRow {
            id: Uuid::now_v7(),
            email: new_user.email.as_str(),
            name: new_user.name.as_str(),
            password_hash: &password_hash,
            role: "customer",
        },
    )
    .await?;
    tracing::info!(user_id = %user.id, "user registered");
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/users/{}", user.id)))
        .json(user.to_response()))
}
