//! Carts: one per signed-in user, and guest carts identified by a
//! server-issued id, merged into the user's cart at sign-in. Every cart is
//! shown priced now through catalogue (with the snapshots when catalogue
//! cannot be asked).

use chrono::Utc;
use shop_client::wire::{
    catalogue::PriceResponse,
    orders::{CartLineResponse, CartResponse},
};
use shop_kit::Problem;
use uuid::Uuid;

use crate::{
    db::models::cart::{AddError, Cart, CartItem, MAX_LINES, MAX_QUANTITY},
    state::AppState,
};

/// Whose cart a request is about.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// A signed-in user: their one cart.
    User(Uuid),
    /// A guest, with the cart id the request carried (if any).
    Guest(Option<Uuid>),
}

/// The owner's cart; `create` makes one when there is none. A guest cart id
/// the server did not issue is never adopted.
pub async fn find(state: &AppState, owner: Owner, create: bool) -> Result<Option<Cart>, Problem> {
    let mut conn = state.db.get().await?;
    match owner {
        Owner::User(user_id) if create => Ok(Some(Cart::for_user(&mut conn, user_id).await?)),
        Owner::User(user_id) => Ok(Cart::find_for_user(&mut conn, user_id).await?),
        Owner::Guest(id) => {
            if let Some(id) = id
                && let Some(cart) = Cart::find_guest(&mut conn, id).await?
            {
                return Ok(Some(cart));
            }
            if create {
                Ok(Some(Cart::create_guest(&mut conn).await?))
            } else {
                Ok(None)
            }
        }
    }
}

/// The cart priced now; with the snapshots when the catalogue cannot be asked.
pub async fn view(state: &AppState, cart: Option<&Cart>) -> Result<CartResponse, Problem> {
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
pub fn priced(
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

/// 1 to 99 of a product.
pub fn parse_quantity(quantity: i32) -> Result<i32, Problem> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(Problem::invalid_field(
            "quantity",
            format!("must be 1 to {MAX_QUANTITY}"),
        ))
    }
}

fn cart_full() -> Problem {
    Problem::invalid_field(
        "product_id",
        format!("the cart is full ({MAX_LINES} products)"),
    )
}

/// Adds `quantity` of a product on sale (to what the cart already holds of
/// it), at today's price; a guest without a cart gets one.
pub async fn add(
    state: &AppState,
    owner: Owner,
    product_id: Uuid,
    quantity: i32,
) -> Result<(Cart, CartResponse), Problem> {
    let quantity = parse_quantity(quantity)?;
    // One price lookup serves both the new line and the cart shown after it.
    let existing = find(state, owner, false).await?;
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
    if !ids.contains(&product_id) {
        ids.push(product_id);
    }
    if ids.len() > MAX_LINES as usize {
        return Err(cart_full());
    }
    let prices = state.catalogue.prices(&ids).await?;
    let product = prices
        .iter()
        .find(|p| p.id == product_id && p.active)
        .cloned()
        .ok_or_else(|| Problem::invalid_field("product_id", "no product on sale has this id"))?;
    let cart = match existing {
        Some(cart) => cart,
        None => find(state, owner, true)
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
    let shown = priced(state, Some(&cart), &items, Some(&prices));
    Ok((cart, shown))
}

/// Sets a line's quantity; another cart's line is a 404.
pub async fn set_quantity(
    state: &AppState,
    owner: Owner,
    item_id: Uuid,
    quantity: i32,
) -> Result<(Cart, CartResponse), Problem> {
    let quantity = parse_quantity(quantity)?;
    let cart = find(state, owner, false)
        .await?
        .ok_or_else(|| Problem::not_found("cart item"))?;
    let updated = {
        let mut conn = state.db.get().await?;
        CartItem::set_quantity(&mut conn, cart.id, item_id, quantity).await?
    };
    if !updated {
        return Err(Problem::not_found("cart item"));
    }
    let shown = view(state, Some(&cart)).await?;
    Ok((cart, shown))
}

/// Removes a line; another cart's line is a 404.
pub async fn remove(
    state: &AppState,
    owner: Owner,
    item_id: Uuid,
) -> Result<(Cart, CartResponse), Problem> {
    let cart = find(state, owner, false)
        .await?
        .ok_or_else(|| Problem::not_found("cart item"))?;
    let removed = {
        let mut conn = state.db.get().await?;
        CartItem::remove(&mut conn, cart.id, item_id).await?
    };
    if !removed {
        return Err(Problem::not_found("cart item"));
    }
    let shown = view(state, Some(&cart)).await?;
    Ok((cart, shown))
}

/// Moves the guest cart into the user's, summing quantities up to 99, and
/// forgets the guest cart; again, or without a guest cart, it changes nothing.
pub async fn merge(
    state: &AppState,
    user_id: Uuid,
    guest: Option<Uuid>,
) -> Result<(Cart, CartResponse), Problem> {
    let cart = {
        let mut conn = state.db.get().await?;
        let cart = Cart::for_user(&mut conn, user_id).await?;
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
    let shown = view(state, Some(&cart)).await?;
    Ok((cart, shown))
}
