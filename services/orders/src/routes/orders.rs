//! `/api/orders*`: checkout, the buyer's orders (every order for an admin),
//! invoices, cancellation and the status staff set from the back office.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Datelike as _, Utc};
use serde::Deserialize;
use shop_client::wire::{
    ErrorCode, Page, ProblemDetails,
    orders::{AdminStatusRequest, CheckoutRequest, InvoiceResponse, OrderResponse},
};
use shop_kit::{
    Problem,
    auth::{AdminUser, AuthUser},
    extract::{Json, Query},
    idempotency::IdempotencyKey,
    pagination::{PageQuery, PageRequest},
};
use uuid::Uuid;

use crate::{
    app::{
        cancel,
        checkout::{self, Answer},
    },
    db::models::{
        document::{CreditNote, Invoice},
        order::{Order, OrderFilter},
    },
    domain::{
        checkout::parse,
        outcome::Reply,
        status::{OrderRules as _, OrderStatus, StaffChange},
    },
    error::ApiError,
    state::AppState,
};

/// Registers the order routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/orders", web::post().to(create_order))
        .route("/api/orders", web::get().to(list_orders))
        .route("/api/orders/{id}", web::get().to(get_order))
        .route("/api/orders/{id}/invoice", web::get().to(get_invoice))
        .route("/api/orders/{id}/cancel", web::post().to(cancel_order))
        .route("/api/orders/{id}/status", web::post().to(set_order_status));
}

/// Checks out the caller's cart.
///
/// Reserves the stock, charges once, commits the stock and invoices the
/// order. The same `Idempotency-Key` with the same body answers exactly what
/// the first request did; with another body it is a 409
/// `idempotency_key_reused`.
#[utoipa::path(post, path = "/api/orders", request_body = CheckoutRequest,
    security(("bearer" = [])),
    params(
        ("Idempotency-Key" = String, Header, pattern = "^[!-~]{1,255}$",
            description = "Required: 1 to 255 visible ASCII characters, one per checkout; send the same one when retrying it"),
    ),
    responses(
        (status = 201, description = "Paid: the order, invoiced", body = OrderResponse, headers(
            ("Location" = String, description = "The order (`/api/orders/{id}`)"),
        )),
        (status = 400, description = "`idempotency_key_required`: no `Idempotency-Key`; `invalid_idempotency_key`: not 1 to 255 visible ASCII characters; `invalid_json`: the body is not JSON", body = shop_client::wire::ProblemDetails),
        (status = 402, description = "`payment_declined` (`decline_code` in `fields`): nothing was charged and the stock was released", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "`out_of_stock` (the short `lines`; nothing was charged), `idempotency_key_reused` (the key was used for another request), `checkout_in_progress` (the first request with this key is still running: retry after `Retry-After`), `checkout_interrupted` or `checkout_failed` (nothing is owed)", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`cart_empty`, `product_unavailable` (a product in the cart is no longer sold, in `lines`), or `validation_failed` naming the bad fields: not exactly one of `address_id` and `shipping_address`, an address that is not one of the buyer's, a card number that fails the Luhn check, an expired card", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "`dependency_unavailable`: retry with the same key; otherwise the recovery worker finishes the order", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn create_order(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: Json<CheckoutRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = IdempotencyKey::required(&req)?;
    let today = chrono::Utc::now();
    let checkout = parse(&body, (today.year(), today.month()))?;
    let reply = match checkout::checkout(&state, &user, key, checkout).await? {
        Answer::Outcome(outcome) => outcome.reply(),
        Answer::Replay(reply) | Answer::Finished(reply) => reply,
    };
    Ok(to_response(&reply))
}

/// A checkout's reply as HTTP; problem bodies keep their media type.
fn to_response(reply: &Reply) -> HttpResponse {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if status.is_client_error() || status.is_server_error() {
        response.content_type(ProblemDetails::CONTENT_TYPE);
    }
    if status == StatusCode::CREATED
        && let Some(id) = reply.body.get("order_id").and_then(|v| v.as_str())
    {
        response.insert_header(("Location", format!("/api/orders/{id}")));
    }
    response.json(&reply.body)
}

/// The order if the caller may see it (its buyer or an admin), else 404.
async fn visible_order(state: &AppState, user: &AuthUser, id: Uuid) -> Result<Order, Problem> {
    let mut conn = state.db.get().await?;
    Order::find(&mut conn, id)
        .await?
        .filter(|o| o.user_id == user.id || user.is_admin())
        .ok_or_else(|| Problem::not_found("order"))
}

async fn order_response(state: &AppState, order: &Order) -> Result<OrderResponse, Problem> {
    let mut conn = state.db.get().await?;
    let lines = Order::lines(&mut conn, order.id).await?;
    let invoice = Invoice::for_order(&mut conn, order.id).await?;
    Ok(order.to_response(&lines, invoice.map(|i| (i.id, i.number))))
}

/// The query of `GET /api/orders`, as sent: a page and the filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// Orders per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Orders to skip.
    #[param(minimum = 0, default = 0)]
    pub offset: Option<i64>,
    /// Only orders in this status; an unknown name is a 422 naming `status`.
    #[param(value_type = Option<OrderStatus>)]
    pub status: Option<String>,
    /// Admins: only this buyer's orders. A customer may pass only their own
    /// id; anyone else's is a 403 (never a silently narrowed list).
    pub user_id: Option<Uuid>,
    /// Only orders created at or after this instant (RFC 3339, e.g.
    /// `2026-11-01T00:00:00Z`; percent-encode a `+` offset as `%2B`).
    pub created_from: Option<DateTime<Utc>>,
    /// Only orders created before this instant (RFC 3339; exclusive, so
    /// consecutive ranges never share an order). Before `created_from` is a 422.
    pub created_to: Option<DateTime<Utc>>,
}

impl OrderListQuery {
    /// The page asked for (see [`PageQuery::parse`]).
    fn page(&self) -> Result<PageRequest, Problem> {
        PageQuery {
            limit: self.limit,
            offset: self.offset,
        }
        .parse()
    }

    /// The filter `caller` may apply: an admin's as asked, a customer's
    /// always narrowed to their own orders.
    fn parse(&self, caller: &AuthUser) -> Result<OrderFilter, Problem> {
        let user_id = match self.user_id {
            _ if caller.is_admin() => self.user_id,
            None => Some(caller.id),
            Some(id) if id == caller.id => Some(id),
            Some(_) => {
                let mut problem =
                    Problem::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "Forbidden")
                        .detail("only admins may list another user's orders (user_id)");
                problem
                    .set_fields([("user_id".to_owned(), "must be your own id".to_owned())].into());
                return Err(problem);
            }
        };
        let status = self
            .status
            .as_deref()
            .map(|raw| parse_status("status", raw))
            .transpose()?;
        if let (Some(from), Some(to)) = (self.created_from, self.created_to)
            && from > to
        {
            return Err(Problem::invalid_field(
                "created_from",
                "must not be later than created_to",
            ));
        }
        Ok(OrderFilter {
            user_id,
            status,
            created_from: self.created_from,
            created_to: self.created_to,
        })
    }
}

/// A status named by a client, or a 422 naming `field` (never quoting it).
fn parse_status(field: &str, raw: &str) -> Result<OrderStatus, Problem> {
    raw.parse::<OrderStatus>().map_err(|_| {
        let names: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        Problem::invalid_field(field, format!("must be one of {}", names.join(", ")))
    })
}

/// Lists orders, newest first.
///
/// The caller's own orders, or every order for an admin, optionally only
/// those in a status, of a buyer (admins) or created in a time range.
#[utoipa::path(get, path = "/api/orders",
    security(("bearer" = [])),
    params(OrderListQuery),
    responses(
        (status = 200, description = "A page of orders", body = Page<OrderResponse>),
        (status = 400, description = "`invalid_query`: a parameter of the wrong type (a number, a malformed `user_id` or date), named in `fields`", body = shop_client::wire::ProblemDetails),
        (status = 403, description = "`forbidden`: a customer asked for another user's orders (`user_id`)", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed` naming `limit` or `offset` (out of range), `status` (not a status) or `created_from` (later than `created_to`)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    query: Query<OrderListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let filter = query.parse(&user)?;
    let mut conn = state.db.get().await?;
    let (orders, total) = Order::list(&mut conn, &filter, page.limit, page.offset).await?;
    let ids: Vec<Uuid> = orders.iter().map(|o| o.id).collect();
    let mut lines = Order::lines_of(&mut conn, &ids).await?;
    let mut invoices = Invoice::numbers_for(&mut conn, &ids).await?;
    let items = orders
        .iter()
        .map(|o| {
            o.to_response(
                &lines.remove(&o.id).unwrap_or_default(),
                invoices.remove(&o.id),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// One order.
///
/// The caller's own, or any for an admin; anyone else's is a 404.
#[utoipa::path(get, path = "/api/orders/{id}",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such order, or not the caller's", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(order_response(&state, &order).await?))
}

/// The order's invoice, with any credit notes against it.
#[utoipa::path(get, path = "/api/orders/{id}/invoice",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such order, not the caller's, or not paid (no invoice)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn get_invoice(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    let mut conn = state.db.get().await?;
    let invoice = Invoice::for_order(&mut conn, order.id)
        .await?
        .ok_or_else(|| Problem::not_found("invoice"))?;
    let lines = Order::lines(&mut conn, order.id).await?;
    let notes = CreditNote::for_order(&mut conn, order.id).await?;
    Ok(HttpResponse::Ok().json(InvoiceResponse {
        id: invoice.id,
        number: invoice.number,
        order_id: order.id,
        user_id: order.user_id,
        currency: invoice.currency,
        lines: lines.iter().map(|l| l.to_wire()).collect(),
        total_cents: invoice.total_cents,
        shipping_address: order.address(),
        issued_at: invoice.issued_at,
        credit_notes: notes.iter().map(CreditNote::to_response).collect(),
    }))
}

/// Cancels an order before packing.
///
/// A paid order is restocked, refunded and gets a credit note; one that was
/// never charged is released. Cancelling a cancelled order answers it as it
/// is.
#[utoipa::path(post, path = "/api/orders/{id}/cancel",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order, cancelled", body = OrderResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID"),
        (status = 404, description = "`not_found`: no such order, or not the caller's", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "`not_cancellable` (packing started, or the order is past the point of cancelling: shipped, refunded, or its checkout failed) or `checkout_in_progress` (retry after `Retry-After`)", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "`dependency_unavailable`: nothing was changed, or the refund is finished by the recovery worker"),
))]
#[tracing::instrument(skip_all, fields(order_id = %id))]
pub async fn cancel_order(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = visible_order(&state, &user, *id).await?;
    let order = cancel::cancel(&state, order).await?;
    Ok(HttpResponse::Ok().json(order_response(&state, &order).await?))
}

/// Sets an order's status from the back office (admins).
///
/// Only changes the state
/// machine allows and no other part of the shop owns are taken (see
/// [`OrderStatus::staff_change`]): today that is `cancelled`, before packing,
/// through the same path as a buyer's cancel (a paid order is restocked,
/// refunded and credited). `packing`, `shipped` and `delivered` come from
/// fulfilment, refunds from returns and cancellations, the rest from checkout:
/// asking for them is a 409 `invalid_transition` and the order is unchanged.
/// Setting `cancelled` on a cancelled order answers it as it is.
#[utoipa::path(post, path = "/api/orders/{id}/status", request_body = AdminStatusRequest,
    security(("bearer" = ["admin"])),
    params(("id" = Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order in its new status", body = OrderResponse),
        (status = 400, description = "`invalid_path`: the id is not a UUID; `invalid_json`: the body is not JSON"),
        (status = 403, description = "`forbidden`: the token is not an admin's", body = shop_client::wire::ProblemDetails),
        (status = 404, description = "`not_found`: no such order", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "`invalid_transition` (staff may not set this status now, e.g. `shipped`, or `cancelled` once packing started; the order is unchanged) or `checkout_in_progress` (retry after `Retry-After`)", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "`validation_failed` naming `status` (not a status)", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "`dependency_unavailable`: nothing was changed, or the refund is finished by the recovery worker", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %id, admin_id = %admin.0.id))]
pub async fn set_order_status(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<Uuid>,
    body: Json<AdminStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let next = parse_status("status", &body.status)?;
    let order = visible_order(&state, &admin.0, *id).await?;
    let from = order.status;
    let order = match from.staff_change(next) {
        Some(StaffChange::Cancel) => cancel::cancel(&state, order)
            .await
            // Packing may start between the check and the cancel: the same
            // refusal, in this route's words.
            .map_err(|problem| match problem.code() {
                ErrorCode::NotCancellable => invalid_transition(from, next),
                _ => problem,
            })?,
        None => return Err(invalid_transition(from, next)),
    };
    tracing::info!(order_id = %order.id, %from, to = %next, "status set by staff");
    Ok(HttpResponse::Ok().json(order_response(&state, &order).await?))
}

/// 409 `invalid_transition`: staff may not move the order from `from` to `to`.
fn invalid_transition(from: OrderStatus, to: OrderStatus) -> Problem {
    let why = match to {
        OrderStatus::Cancelled => {
            "only a pending, reserved or paid order can be cancelled; once packing started, return it after delivery instead"
        }
        OrderStatus::Packing | OrderStatus::Shipped | OrderStatus::Delivered => {
            "fulfilment reports this status as it packs, ships and delivers"
        }
        OrderStatus::PartiallyRefunded | OrderStatus::Refunded => {
            "refunds come from returns and cancellations"
        }
        _ => "the checkout decides this status",
    };
    Problem::conflict(
        ErrorCode::InvalidTransition,
        format!("staff cannot move an order that is {from} to {to}: {why}"),
    )
}
