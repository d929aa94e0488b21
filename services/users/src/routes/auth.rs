//! Registration, login and the public keys that verify tokens.

use actix_web::{HttpRequest, HttpResponse, web};
use shop_client::wire::users::{LoginRequest, RegisterRequest, TokenResponse, UserResponse};
use shop_kit::{Problem, extract::Json};

use crate::{
    app::{self, login::Login},
    domain::new_user::{Email, NewUser},
    error::{ApiError, invalid_credentials, too_many_attempts},
    routes::client_ip,
    state::AppState,
};

/// Registers the auth routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/auth/register", web::post().to(register))
        .route("/api/auth/login", web::post().to(login))
        .route("/.well-known/jwks.json", web::get().to(jwks));
}

/// Creates a customer account.
///
/// The email is stored in lower case, so it is taken whatever its case. The
/// account starts with an empty wallet.
#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "users",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The new account", body = UserResponse,
            headers(("Location" = String, description = "The account: `/api/users/{id}`"))),
        (status = 409, description = "The email is taken (`already_exists`, `fields.email`)", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "A field is invalid (`validation_failed`, named in `fields`)", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "Every password hasher is busy (`busy`, see Retry-After), or the database is unavailable (`dependency_unavailable`); nothing was created", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let new_user = NewUser::parse(&body).map_err(Problem::validation)?;
    let user = app::register::register(&state, new_user).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/users/{}", user.id)))
        .json(user))
}

/// Signs in: a short-lived access token. An unknown email and a wrong
/// password get the same answer after the same work, so neither the body
/// nor the timing tells which it was.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "users",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`): the same answer for both", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "The email is not an email address (`validation_failed`, `fields.email`)", body = shop_client::wire::ProblemDetails),
        (status = 429, description = "Too many failed logins for this email or address (`too_many_attempts`, see Retry-After)", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "Every password hasher is busy (`busy`, see Retry-After), or the database is unavailable (`dependency_unavailable`)", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    // No account has a malformed email, so saying so tells nothing about
    // accounts; and a control character (a NUL) never reaches PostgreSQL.
    let email = Email::parse(&email).map_err(|reason| Problem::invalid_field("email", reason))?;
    match app::login::login(&state, &email, password, &client_ip(&req)).await? {
        Login::SignedIn(token) => Ok(HttpResponse::Ok().json(token)),
        Login::Refused => Err(invalid_credentials()),
        Login::Throttled { retry_after_secs } => Err(too_many_attempts(retry_after_secs)),
    }
}

/// The public keys that verify access tokens.
///
/// A JSON Web Key Set (RFC 7517) of Ed25519 keys (`kty` `OKP`, `alg`
/// `EdDSA`), the signing key's `kid` first; services fetch it to verify
/// tokens. Not routed by the gateway.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "users", responses(
    (status = 200, description = "The key set: `{\"keys\": [...]}`", body = Object,
        headers(("Cache-Control" = String, description = "`public, max-age=300`"))),
))]
pub async fn jwks(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .json(state.tokens.jwks())
}
