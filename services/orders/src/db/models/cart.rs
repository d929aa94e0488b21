//! The `carts` and `cart_items` tables. A guest cart has no user; a user has
//! at most one cart.

use chrono::{DateTime, Utc};
use diesel::{dsl::sql, pg::Pg, prelude::*, sql_types::Integer};
use diesel_async::AsyncConnection as _;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::schema::{cart_items, carts};

/// Most units of one product in a cart.
pub const MAX_QUANTITY: i32 = 99;
/// Most distinct products in a cart (one catalogue price lookup).
pub const MAX_LINES: i64 = 100;

/// A cart row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = carts, check_for_backend(Pg))]
pub struct Cart {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A cart line with the price and names shown when it was added.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = cart_items, check_for_backend(Pg))]
pub struct CartItem {
    pub id: Uuid,
    pub cart_id: Uuid,
    pub product_id: Uuid,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub added_at: DateTime<Utc>,
    pub sku: String,
    pub name: String,
}

impl Cart {
    /// A guest cart by its id; a user's cart is never reachable this way.
    pub async fn find_guest(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Self>> {
        carts::table
            .filter(carts::id.eq(id).and(carts::user_id.is_null()))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    pub async fn find_for_user(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
    ) -> QueryResult<Option<Self>> {
        carts::table
            .filter(carts::user_id.eq(user_id))
            .select(Self::as_select())
            .first(conn)
            .await
            .optional()
    }

    /// The user's cart, made on first use (safe when two requests race).
    pub async fn for_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Self> {
        if let Some(cart) = Self::find_for_user(conn, user_id).await? {
            return Ok(cart);
        }
        let now = Utc::now();
        diesel::insert_into(carts::table)
            .values(&Self {
                id: Uuid::now_v7(),
                user_id: Some(user_id),
                created_at: now,
                updated_at: now,
            })
            .on_conflict(carts::user_id)
            .do_nothing()
            .execute(conn)
            .await?;
        carts::table
            .filter(carts::user_id.eq(user_id))
            .select(Self::as_select())
            .first(conn)
            .await
    }

    /// A new guest cart with a server-chosen id.
    pub async fn create_guest(conn: &mut AsyncPgConnection) -> QueryResult<Self> {
        let now = Utc::now();
        diesel::insert_into(carts::table)
            .values(&Self {
                id: Uuid::now_v7(),
                user_id: None,
                created_at: now,
                updated_at: now,
            })
            .returning(Self::as_returning())
            .get_result(conn)
            .await
    }

    /// The lines of the user's cart (none when there is no cart), in one query.
    pub async fn user_items(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
    ) -> QueryResult<Vec<CartItem>> {
        cart_items::table
            .inner_join(carts::table)
            .filter(carts::user_id.eq(user_id))
            .order(cart_items::id)
            .select(CartItem::as_select())
            .load(conn)
            .await
    }

    pub async fn items(conn: &mut AsyncPgConnection, cart_id: Uuid) -> QueryResult<Vec<CartItem>> {
        cart_items::table
            .filter(cart_items::cart_id.eq(cart_id))
            .order(cart_items::id)
            .select(CartItem::as_select())
            .load(conn)
            .await
    }

    pub async fn touch(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
        diesel::update(carts::table.find(id))
            .set(carts::updated_at.eq(diesel::dsl::now))
            .execute(conn)
            .await
            .map(drop)
    }

    /// Moves every line of the guest cart into the user's cart (quantities
    /// summed, at most [`MAX_QUANTITY`]) and deletes the guest cart, in one
    /// transaction.
    pub async fn merge(
        conn: &mut AsyncPgConnection,
        guest_id: Uuid,
        user_cart_id: Uuid,
    ) -> QueryResult<()> {
        conn.transaction(async |conn| {
            let guest_items = Self::items(conn, guest_id).await?;
            if !guest_items.is_empty() {
                let moved: Vec<CartItem> = guest_items
                    .into_iter()
                    .map(|item| CartItem {
                        id: Uuid::now_v7(),
                        cart_id: user_cart_id,
                        ..item
                    })
                    .collect();
                diesel::insert_into(cart_items::table)
                    .values(&moved)
                    .on_conflict((cart_items::cart_id, cart_items::product_id))
                    .do_update()
                    .set(cart_items::quantity.eq(sql::<Integer>(
                        "LEAST(cart_items.quantity + excluded.quantity, 99)",
                    )))
                    .execute(conn)
                    .await?;
            }
            diesel::delete(
                carts::table.filter(carts::id.eq(guest_id).and(carts::user_id.is_null())),
            )
            .execute(conn)
            .await?;
            Self::touch(conn, user_cart_id).await
        })
        .await
    }
}

/// Why a line could not be added.
#[derive(Debug)]
pub enum AddError {
    /// The line would hold more than [`MAX_QUANTITY`].
    TooMany,
    /// The cart already has [`MAX_LINES`] products.
    CartFull,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for AddError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

impl CartItem {
    /// Adds `quantity` units (to the line already there, if any); the price
    /// snapshot becomes today's price. The cart's row is locked (by touching
    /// it) first, so concurrent adds to one cart are counted in turn.
    pub async fn add(conn: &mut AsyncPgConnection, item: &CartItem) -> Result<CartItem, AddError> {
        conn.transaction(async |conn| {
            Cart::touch(conn, item.cart_id).await?;
            let saved = diesel::sql_query(
                "INSERT INTO cart_items (id, cart_id, product_id, quantity, unit_price_cents, added_at, sku, name) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
                 WHERE (SELECT count(*) FROM cart_items WHERE cart_id = $2) < $9 \
                    OR EXISTS (SELECT 1 FROM cart_items WHERE cart_id = $2 AND product_id = $3) \
                 ON CONFLICT (cart_id, product_id) DO UPDATE \
                 SET quantity = cart_items.quantity + excluded.quantity, \
                     unit_price_cents = excluded.unit_price_cents, sku = excluded.sku, name = excluded.name \
                 WHERE cart_items.quantity + excluded.quantity <= $10 \
                 RETURNING id, cart_id, product_id, quantity, unit_price_cents, added_at, sku, name",
            )
            .bind::<diesel::sql_types::Uuid, _>(item.id)
            .bind::<diesel::sql_types::Uuid, _>(item.cart_id)
            .bind::<diesel::sql_types::Uuid, _>(item.product_id)
            .bind::<Integer, _>(item.quantity)
            .bind::<diesel::sql_types::BigInt, _>(item.unit_price_cents)
            .bind::<diesel::sql_types::Timestamptz, _>(item.added_at)
            .bind::<diesel::sql_types::Text, _>(&item.sku)
            .bind::<diesel::sql_types::Text, _>(&item.name)
            .bind::<diesel::sql_types::BigInt, _>(MAX_LINES)
            .bind::<Integer, _>(MAX_QUANTITY)
            .get_result::<CartItem>(conn)
            .await
            .optional()?;
            match saved {
                Some(saved) => Ok(saved),
                // Nothing written: say why (the rare path may take a query more).
                None => {
                    let present: bool = diesel::select(diesel::dsl::exists(
                        cart_items::table.filter(
                            cart_items::cart_id
                                .eq(item.cart_id)
                                .and(cart_items::product_id.eq(item.product_id)),
                        ),
                    ))
                    .get_result(conn)
                    .await?;
                    Err(if present { AddError::TooMany } else { AddError::CartFull })
                }
            }
        })
        .await
    }

    /// Sets a line's quantity; false when the line is not in this cart.
    pub async fn set_quantity(
        conn: &mut AsyncPgConnection,
        cart_id: Uuid,
        id: Uuid,
        quantity: i32,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            cart_items::table.filter(cart_items::id.eq(id).and(cart_items::cart_id.eq(cart_id))),
        )
        .set(cart_items::quantity.eq(quantity))
        .execute(conn)
        .await?;
        Ok(updated == 1)
    }

    /// Removes a line; false when the line is not in this cart.
    pub async fn remove(
        conn: &mut AsyncPgConnection,
        cart_id: Uuid,
        id: Uuid,
    ) -> QueryResult<bool> {
        let deleted = diesel::delete(
            cart_items::table.filter(cart_items::id.eq(id).and(cart_items::cart_id.eq(cart_id))),
        )
        .execute(conn)
        .await?;
        Ok(deleted == 1)
    }

    /// Removes what an order bought from the buyer's cart (lines added
    /// during the checkout stay).
    pub async fn remove_ordered(
        conn: &mut AsyncPgConnection,
        user_id: Uuid,
        product_ids: &[Uuid],
    ) -> QueryResult<()> {
        let cart = carts::table
            .filter(carts::user_id.eq(user_id))
            .select(carts::id);
        diesel::delete(
            cart_items::table.filter(
                cart_items::cart_id
                    .eq_any(cart)
                    .and(cart_items::product_id.eq_any(product_ids)),
            ),
        )
        .execute(conn)
        .await
        .map(drop)
    }
}
