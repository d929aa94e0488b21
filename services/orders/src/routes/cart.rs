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

/// The guest cart header, as documented (read by [`guest_cart_id`]).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
struct CartIdHeader {
    /// A guest cart's id, as a cart response gave it (the `cart_id` cookie
    /// does the same); ignored once signed in, except by
    /// `POST /api/cart/merge`. One that is not a UUID is a 400.
    #[param(rename = "X-Cart-Id", required = false)]
    x_cart_id: Uuid,
}
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

/// The guest cart id the client sent: a malformed header is a 400 (signed
/// in or not: the document says what the header holds); a malformed cookie
/// is ignored (it is not something the client typed).
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
    let guest = guest_cart_id(req)?;
    match &user.0 {
        Some(user) => Ok(Owner::User(user.id)),
        None => Ok(Owner::Guest(guest)),
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

/// The caller's cart, priced now.
///
/// Signed in, the user's cart; otherwise the guest cart `X-Cart-Id` (or the
/// `cart_id` cookie) names, or an empty cart with `id` null. Lines whose
/// price moved since they were added say so (`price_changed`); when the
/// catalogue cannot be asked the cart shows the prices it was filled at
/// (`prices_current` false).
#[utoipa::path(get, path = "/api/cart",
    security((), ("bearer" = [])),
    params(CartIdHeader),
    responses(
        (status = 200, description = "The cart", body = CartResponse, headers(
            ("X-Cart-Id" = Uuid, description = "A guest cart's id (also set as the `cart_id` cookie); absent for a signed-in user"),
        )),
        (status = 400, description = "`invalid_cart_id`: `X-Cart-Id` is not a cart id"),
))]
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

/// Adds units of a product to the cart.
///
/// The units are added to those the cart already holds of the product, at
/// today's price. A guest without a cart gets one: its id comes back in
/// `X-Cart-Id` and the `cart_id` cookie.
#[utoipa::path(post, path = "/api/cart/items", request_body = AddCartItemRequest,
    security((), ("bearer" = [])),
    params(CartIdHeader),
    responses(
        (status = 201, description = "The cart with the product in it", body = CartResponse, headers(
            ("X-Cart-Id" = Uuid, description = "A guest cart's id (also set as the `cart_id` cookie); absent for a signed-in user"),
        )),
        (status = 400, description = "`invalid_cart_id`: `X-Cart-Id` is not a cart id; `invalid_json`: the body is not JSON"),
        (status = 422, description = "`validation_failed`: `product_id` is no product on sale or the cart already holds 100 products; `quantity` is not 1 to 99 or the line would pass 99", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "`dependency_unavailable`: the catalogue cannot be asked for the price; nothing was added"),
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

/// Sets a cart line's quantity.
#[utoipa::path(patch, path = "/api/cart/items/{id}", request_body = UpdateCartItemRequest,
    security((), ("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The cart line's id (`items[].id`)"),
        CartIdHeader,
    ),
    responses(
        (status = 200, description = "The cart with the new quantity", body = CartResponse, headers(
            ("X-Cart-Id" = Uuid, description = "A guest cart's id (also set as the `cart_id` cookie); absent for a signed-in user"),
        )),
        (status = 400, description = "`invalid_path`: the id is not a UUID; `invalid_cart_id`: `X-Cart-Id` is not a cart id; `invalid_json`: the body is not JSON"),
        (status = 404, description = "`not_found`: the caller's cart has no such line", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed`: `quantity` is not 1 to 99"),
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

/// Removes a line from the cart.
#[utoipa::path(delete, path = "/api/cart/items/{id}",
    security((), ("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The cart line's id (`items[].id`)"),
        CartIdHeader,
    ),
    responses(
        (status = 200, description = "The cart without the line", body = CartResponse, headers(
            ("X-Cart-Id" = Uuid, description = "A guest cart's id (also set as the `cart_id` cookie); absent for a signed-in user"),
        )),
        (status = 400, description = "`invalid_path`: the id is not a UUID; `invalid_cart_id`: `X-Cart-Id` is not a cart id"),
        (status = 404, description = "`not_found`: the caller's cart has no such line", body = shop_client::wire::ProblemDetails),
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

/// Moves a guest cart into the signed-in user's cart.
///
/// The guest cart (`X-Cart-Id` or the `cart_id` cookie) is merged into the
/// user's, summing quantities up to 99, and forgotten (the cookie is
/// cleared). Merging again, or without a guest cart, changes nothing.
#[utoipa::path(post, path = "/api/cart/merge",
    security(("bearer" = [])),
    params(CartIdHeader),
    responses(
        (status = 200, description = "The user's cart, with the guest cart's lines", body = CartResponse),
        (status = 400, description = "`invalid_cart_id`: `X-Cart-Id` is not a cart id"),
        (status = 422, description = "`validation_failed`: together the carts would hold more than 100 products (`product_id`); nothing was merged"),
))]
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
