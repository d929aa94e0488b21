//! `/api/cart*`: one cart per signed-in user, and guest carts identified by a
//! server-issued id (the `X-Cart-Id` header or the `cart_id` cookie), merged
//! into the user's cart at sign-in.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieAge},
    http::StatusCode,
    web,
};
use chrono::Utc;
use shop_client::wire::{
    catalogue::PriceResponse,
    orders::{AddCartItemRequest, CartLineResponse, CartResponse, UpdateCartItemRequest},
};
use shop_kit::{
    Problem,
    auth::{AuthUser, MaybeUser},
};
use uuid::Uuid;

use crate::{
    db::models::cart::{AddError, Cart, CartItem, MAX_LINES, MAX_QUANTITY},
    error::ApiError,
    startup::AppState,
};
use shop_kit::extract::Json;

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
            .ok_or_else(|| Problem::bad_request("invalid_cart_id", "X-Cart-Id must be a cart id"));
    }
    Ok(req
        .cookie(CART_COOKIE)
        .and_then(|c| Uuid::parse_str(c.value()).ok()))
}

/// The caller's cart: the user's when signed in, else the guest cart named
/// by the request. `create` makes one when there is none.
async fn find_cart(
    state: &AppState,
    user: &MaybeUser,
    req: &HttpRequest,
    create: bool,
) -> Result<Option<Cart>, Problem> {
    let mut conn = state.db.get().await?;
    if let Some(user) = &user.0 {
        return Ok(Some(if create {
            Cart::for_user(&mut conn, user.id).await?
        } else {
            match Cart::find_for_user(&mut conn, user.id).await? {
                Some(cart) => cart,
                None => return Ok(None),
            }
        }));
    }
    if let Some(id) = guest_cart_id(req)?
        && let Some(cart) = Cart::find_guest(&mut conn, id).await?
    {
        return Ok(Some(cart));
    }
    // An unknown id is not adopted: guest cart ids are always issued here.
    if create {
        Ok(Some(Cart::create_guest(&mut conn).await?))
    } else {
        Ok(None)
    }
}

/// The cart priced now; with the snapshots when the catalogue cannot be asked.
async fn render(state: &AppState, cart: Option<&Cart>) -> Result<CartResponse, Problem> {
    let items = match cart {
        Some(cart) => {
            let mut conn = state.db.get().await?;
            Cart::items(&mut conn, cart.id).await?
        }
        None => Vec::new(),
    };
    let ids: Vec<Uuid> = items.iter().map(|i| i.product_id).collect();
    let prices = if ids.is_empty() {
        Some(Vec::new())
    } else {
        match state.catalogue.prices(&ids).await {
            Ok(prices) => Some(prices),
            Err(e) => {
                tracing::warn!(error = %e, "catalogue unavailable; showing the cart at its snapshot prices");
                None
            }
        }
    };
    Ok(priced(state, cart, &items, prices.as_deref()))
}

/// The cart's lines at `prices` (the snapshots where a price is missing or
/// `prices` is `None`).
fn priced(
    state: &AppState,
    cart: Option<&Cart>,
    items: &[CartItem],
    prices: Option<&[PriceResponse]>,
) -> CartResponse {
    let lines: Vec<CartLineResponse> = items
        .iter()
        .map(|item| {
            let now = prices
                .as_ref()
                .and_then(|p| p.iter().find(|p| p.id == item.product_id));
            let unit = now.map_or(item.unit_price_cents, |p| p.price_cents);
            CartLineResponse {
                id: item.id,
                product_id: item.product_id,
                sku: now.map_or_else(|| item.sku.clone(), |p| p.sku.clone()),
                name: now.map_or_else(|| item.name.clone(), |p| p.name.clone()),
                quantity: item.quantity,
                unit_price_cents: unit,
                added_price_cents: item.unit_price_cents,
                price_changed: unit != item.unit_price_cents,
                available: prices.is_none() || now.is_some_and(|p| p.active),
                line_total_cents: unit * i64::from(item.quantity),
            }
        })
        .collect();
    CartResponse {
        id: cart.map(|c| c.id),
        total_cents: lines
            .iter()
            .filter(|l| l.available)
            .map(|l| l.line_total_cents)
            .sum(),
        items: lines,
        currency: state.settings.currency.clone(),
        prices_current: prices.is_some(),
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

fn cart_full() -> Problem {
    Problem::invalid_field(
        "product_id",
        format!("the cart is full ({MAX_LINES} products)"),
    )
}

fn parse_quantity(quantity: i32) -> Result<i32, Problem> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(Problem::invalid_field(
            "quantity",
            format!("must be 1 to {MAX_QUANTITY}"),
        ))
    }
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
    let cart = find_cart(&state, &user, &req, false).await?;
    let body = render(&state, cart.as_ref()).await?;
    Ok(respond(&state, StatusCode::OK, cart.as_ref(), &body))
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
    let quantity = parse_quantity(body.quantity)?;
    // One price lookup serves both the new line and the cart shown after it.
    let existing = find_cart(&state, &user, &req, false).await?;
    let mut ids = match &existing {
        Some(cart) => {
            let mut conn = state.db.get().await?;
            Cart::items(&mut conn, cart.id)
                .await?
                .iter()
                .map(|i| i.product_id)
                .collect()
        }
        None => Vec::new(),
    };
    if !ids.contains(&body.product_id) {
        ids.push(body.product_id);
    }
    if ids.len() > MAX_LINES as usize {
        return Err(cart_full());
    }
    let prices = state.catalogue.prices(&ids).await?;
    let product = prices
        .iter()
        .find(|p| p.id == body.product_id && p.active)
        .cloned()
        .ok_or_else(|| Problem::invalid_field("product_id", "no product on sale has this id"))?;
    let cart = match existing {
        Some(cart) => cart,
        None => find_cart(&state, &user, &req, true)
            .await?
            .ok_or_else(|| Problem::internal(anyhow::anyhow!("a cart was not made")))?,
    };
    let item = CartItem {
        id: Uuid::now_v7(),
        cart_id: cart.id,
        product_id: product.id,
        quantity,
        unit_price_cents: product.price_cents,
        added_at: Utc::now(),
        sku: product.sku,
        name: product.name,
    };
    let items = {
        let mut conn = state.db.get().await?;
        CartItem::add(&mut conn, &item).await.map_err(|e| match e {
            AddError::TooMany => Problem::invalid_field(
                "quantity",
                format!("a cart holds at most {MAX_QUANTITY} of a product"),
            ),
            AddError::CartFull => cart_full(),
            AddError::Db(e) => e.into(),
        })?;
        Cart::items(&mut conn, cart.id).await?
    };
    let body = priced(&state, Some(&cart), &items, Some(&prices));
    Ok(respond(&state, StatusCode::CREATED, Some(&cart), &body))
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
    let quantity = parse_quantity(body.quantity)?;
    let cart = find_cart(&state, &user, &req, false)
        .await?
        .ok_or_else(|| Problem::not_found("cart item"))?;
    let updated = {
        let mut conn = state.db.get().await?;
        CartItem::set_quantity(&mut conn, cart.id, *id, quantity).await?
    };
    if !updated {
        return Err(Problem::not_found("cart item"));
    }
    let body = render(&state, Some(&cart)).await?;
    Ok(respond(&state, StatusCode::OK, Some(&cart), &body))
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
    let cart = find_cart(&state, &user, &req, false)
        .await?
        .ok_or_else(|| Problem::not_found("cart item"))?;
    let removed = {
        let mut conn = state.db.get().await?;
        CartItem::remove(&mut conn, cart.id, *id).await?
    };
    if !removed {
        return Err(Problem::not_found("cart item"));
    }
    let body = render(&state, Some(&cart)).await?;
    Ok(respond(&state, StatusCode::OK, Some(&cart), &body))
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
    let guest = guest_cart_id(&req)?;
    let cart = {
        let mut conn = state.db.get().await?;
        let cart = Cart::for_user(&mut conn, user.id).await?;
        if let Some(guest) = guest
            && Cart::find_guest(&mut conn, guest).await?.is_some()
        {
            let mut products: Vec<Uuid> = Cart::items(&mut conn, guest)
                .await?
                .iter()
                .chain(Cart::items(&mut conn, cart.id).await?.iter())
                .map(|i| i.product_id)
                .collect();
            products.sort_unstable();
            products.dedup();
            if products.len() > MAX_LINES as usize {
                return Err(cart_full());
            }
            Cart::merge(&mut conn, guest, cart.id).await?;
            tracing::info!(guest_cart = %guest, "guest cart merged");
        }
        cart
    };
    let body = render(&state, Some(&cart)).await?;
    let mut response = respond(&state, StatusCode::OK, Some(&cart), &body);
    let mut gone = Cookie::build(CART_COOKIE, "").path("/api/cart").finish();
    gone.make_removal();
    response.add_cookie(&gone).map_err(Problem::internal)?;
    Ok(response)
}
