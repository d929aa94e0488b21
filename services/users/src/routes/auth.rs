//! Registration, login and the public keys that verify tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use shop_client::wire::users::{LoginRequest, RegisterRequest, TokenResponse, UserResponse};
use shop_kit::{Problem, auth::Role, extract::Json};
use uuid::Uuid;

use crate::{
    db::models::user::{NewUserRow, User},
    domain::new_user::{Email, NewUser},
    error::{ApiError, invalid_credentials, too_many_attempts},
    routes::client_ip,
    startup::AppState,
};

/// Registers the auth routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/auth/register", web::post().to(register))
        .route("/api/auth/login", web::post().to(login))
        .route("/.well-known/jwks.json", web::get().to(jwks));
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
        (status = 503, description = "Every password hasher is busy (`busy`, see Retry-After); nothing was created", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let NewUser {
        email,
        password,
        name,
    } = NewUser::parse(&body).map_err(Problem::validation)?;
    let password_hash = state.hashers.hash(password).await?;
    let mut conn = state.db.get().await?;
    let user = User::insert(
        &mut conn,
        &NewUserRow {
            id: Uuid::now_v7(),
            email: email.as_str(),
            name: name.as_str(),
            password_hash: &password_hash,
            role: Role::Customer.as_str(),
        },
    )
    .await?;
    tracing::info!(user_id = %user.id, "user registered");
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/users/{}", user.id)))
        .json(user.to_response()))
}

/// Signs in: a short-lived access token. An unknown email and a wrong
/// password get the same answer after the same work (a hash is always
/// verified), so neither the body nor the timing tells which it was.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "The email is not an email address (named in `fields`)", body = shop_client::wire::ProblemDetails),
        (status = 429, description = "Too many failed logins (see Retry-After)", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "Every password hasher is busy (`busy`, see Retry-After)", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    // No account has a malformed email, so saying so tells nothing about
    // accounts; and a control character (a NUL) never reaches PostgreSQL.
    let email =
        Email::parse(&body.email).map_err(|reason| Problem::invalid_field("email", reason))?;
    let email = email.as_str();
    let ip = client_ip(&req);
    if let Some(retry_after) = state.throttle.blocked_for(email, &ip).await {
        return Err(too_many_attempts(retry_after));
    }
    let user = {
        let mut conn = state.db.get().await?;
        User::find_by_email(&mut conn, email).await?
    };
    let stored_hash = user
        .as_ref()
        .map_or_else(|| state.dummy_hash.clone(), |u| u.password_hash.clone());
    let matches = state
        .hashers
        .verify(body.password.clone(), stored_hash)
        .await?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            state.throttle.record_failure(email, &ip).await;
            return Err(invalid_credentials());
        }
    };
    state.throttle.reset(email).await;
    let role = Role::parse(&user.role)
        .ok_or_else(|| Problem::internal(anyhow::anyhow!("unknown role {}", user.role)))?;
    let access_token = state
        .tokens
        .issue(user.id, role)
        .map_err(Problem::internal)?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl_secs(),
    }))
}

/// The public keys that verify access tokens.
async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.tokens.jwks())
}
