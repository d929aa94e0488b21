//! `/api/cart*`: one cart per signed-in user, and guest carts identified by a
//! server-issued id (the `X-Cart-Id` header or the `cart_id` cookie), merged
//! into the user's cart at sign-in.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieAge},
    http::StatusCode,
    web,
};
use shop_client::wire::{
    ErrorCode,
    orders::{AddCartItemRequest, CartResponse, UpdateCartItemRequest},
};
use shop_kit::{
    Problem,
    auth::{AuthUser, MaybeUser},
    extract::Json,
};
use uuid::Uuid;

use crate::{
    app::cart::{self, Owner},
    db::models::cart::Cart,
    error::ApiError,
    state::AppState,
};

/// The header a guest cart travels in.
pub const CART_HEADER: &str = "X-Cart-Id";
/// The cookie a guest cart travels in.
pub const CART_COOKIE: &str = "cart_id";

/// Registers the cart routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/cart", web::get().to(get_cart))
        .route("/api/cart/items", web::post().to(add_cart_item))
        .route("/api/cart/items/{id}", web::patch().to(update_cart_item))
        .route("/api/cart/items/{id}", web::delete().to(remove_cart_item))
        .route("/api/cart/merge", web::post().to(merge_cart));
}

/// The guest cart id the client sent: a malformed header is a 400; a
/// malformed cookie is ignored (it is not something the client typed).
fn guest_cart_id(req: &HttpRequest) -> Result<Option<Uuid>, Problem> {
    if let Some(raw) = req.headers().get(CART_HEADER) {
        return raw
            .to_str()
            .ok()
            .and_then(|s| Uuid::parse_str(s.trim()).ok())
            .map(Some)
            .ok_or_else(|| {
                Problem::bad_request(ErrorCode::InvalidCartId, "X-Cart-Id must be a cart id")
            });
    }
    Ok(req
        .cookie(CART_COOKIE)
        .and_then(|c| Uuid::parse_str(c.value()).ok()))
}

/// Whose cart the request is about: the signed-in user's, or the guest
/// cart it names.
fn owner(user: &MaybeUser, req: &HttpRequest) -> Result<Owner, Problem> {
    match &user.0 {
        Some(user) => Ok(Owner::User(user.id)),
        None => Ok(Owner::Guest(guest_cart_id(req)?)),
    }
}

/// The answer for a cart; a guest's carries the cart id (header and cookie).
fn respond(
    state: &AppState,
    status: StatusCode,
    cart: Option<&Cart>,
    body: &CartResponse,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    if let Some(cart) = cart.filter(|c| c.user_id.is_none()) {
        response.insert_header((CART_HEADER, cart.id.to_string()));
        response.cookie(
            Cookie::build(CART_COOKIE, cart.id.to_string())
                .path("/api/cart")
                .http_only(true)
                .secure(state.settings.cookie_secure)
                .same_site(SameSite::Lax)
                .max_age(CookieAge::days(30))
                .finish(),
        );
    }
    response.json(body)
}

/// The caller's cart with current prices; lines whose price moved since
/// they were added say so.
#[utoipa::path(get, path = "/api/cart", responses((status = 200, body = CartResponse)))]
#[tracing::instrument(skip_all)]
pub async fn get_cart(
    state: web::Data<AppState>,
    user: MaybeUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let found = cart::find(&state, owner(&user, &req)?, false).await?;
    let body = cart::view(&state, found.as_ref()).await?;
    Ok(respond(&state, StatusCode::OK, found.as_ref(), &body))
}

/// Adds a product (to the units already in the cart); a guest without a
/// cart gets one, its id in `X-Cart-Id` and the `cart_id` cookie.
#[utoipa::path(post, path = "/api/cart/items", request_body = AddCartItemRequest, responses(
    (status = 201, body = CartResponse),
    (status = 422, description = "Bad quantity, or a product not on sale", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(product_id = %body.product_id))]
pub async fn add_cart_item(
    state: web::Data<AppState>,
    user: MaybeUser,
    req: HttpRequest,
    body: Json<AddCartItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let (cart, shown) =
        cart::add(&state, owner(&user, &req)?, body.product_id, body.quantity).await?;
    Ok(respond(&state, StatusCode::CREATED, Some(&cart), &shown))
}

/// Sets a line's quantity.
#[utoipa::path(patch, path = "/api/cart/items/{id}", request_body = UpdateCartItemRequest, responses(
    (status = 200, body = CartResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(item_id = %id))]
pub async fn update_cart_item(
    state: web::Data<AppState>,
    user: MaybeUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<UpdateCartItemRequest>,
) -> Result<HttpResponse, ApiError> {
    let (cart, shown) = cart::set_quantity(&state, owner(&user, &req)?, *id, body.quantity).await?;
    Ok(respond(&state, StatusCode::OK, Some(&cart), &shown))
}

/// Removes a line.
#[utoipa::path(delete, path = "/api/cart/items/{id}", responses(
    (status = 200, body = CartResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(item_id = %id))]
pub async fn remove_cart_item(
    state: web::Data<AppState>,
    user: MaybeUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (cart, shown) = cart::remove(&state, owner(&user, &req)?, *id).await?;
    Ok(respond(&state, StatusCode::OK, Some(&cart), &shown))
}

/// Moves the guest cart (`X-Cart-Id` or cookie) into the signed-in user's
/// cart, summing quantities up to 99, and forgets the guest cart. Merging
/// again, or without a guest cart, changes nothing.
#[utoipa::path(post, path = "/api/cart/merge", responses((status = 200, body = CartResponse)))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn merge_cart(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (cart, shown) = cart::merge(&state, user.id, guest_cart_id(&req)?).await?;
    let mut response = respond(&state, StatusCode::OK, Some(&cart), &shown);
    let mut gone = Cookie::build(CART_COOKIE, "").path("/api/cart").finish();
    gone.make_removal();
    response.add_cookie(&gone).map_err(Problem::internal)?;
    Ok(response)
}
