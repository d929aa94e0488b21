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
    pagination::PageQuery,
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

/// Checks out the caller's cart: reserve, charge once, commit, invoice.
/// The same `Idempotency-Key` with the same body answers exactly what the
/// first request did; with another body it is a 409.
#[utoipa::path(post, path = "/api/orders", request_body = CheckoutRequest,
    params(("Idempotency-Key" = String, Header, description = "Required; reuse it when retrying")),
    responses(
        (status = 201, body = OrderResponse),
        (status = 400, description = "No Idempotency-Key", body = shop_client::wire::ProblemDetails),
        (status = 402, description = "payment_declined: the stock was released", body = shop_client::wire::ProblemDetails),
        (status = 409, description = "out_of_stock (naming the lines), idempotency_key_reused or checkout_in_progress", body = shop_client::wire::ProblemDetails),
        (status = 422, description = "Empty cart, bad address or card", body = shop_client::wire::ProblemDetails),
        (status = 503, description = "dependency_unavailable: retry with the same key; the order is finished by recovery otherwise", body = shop_client::wire::ProblemDetails),
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

/// The filters of `GET /api/orders`, as sent. Paging is [`PageQuery`].
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderListQuery {
    /// Only orders in this status (`paid`, `cancelled`, ...); an unknown name
    /// is a 422 naming `status`.
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

/// Orders, newest first: the caller's own, or every order for an admin, with
/// optional filters by status, buyer (admins) and creation time.
#[utoipa::path(get, path = "/api/orders", params(PageQuery, OrderListQuery), responses(
    (status = 200, body = Page<OrderResponse>),
    (status = 400, description = "invalid_query: a parameter of the wrong type (a malformed user_id or date), named in `fields`", body = shop_client::wire::ProblemDetails),
    (status = 401, body = shop_client::wire::ProblemDetails),
    (status = 403, description = "A customer asked for another user's orders (user_id)", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "validation_failed naming limit, offset, status or created_from (later than created_to)", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn list_orders(
    state: web::Data<AppState>,
    user: AuthUser,
    page: Query<PageQuery>,
    query: Query<OrderListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = page.parse()?;
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

/// One order: the caller's own, or any for an admin; otherwise 404.
#[utoipa::path(get, path = "/api/orders/{id}", responses(
    (status = 200, body = OrderResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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

/// The order's invoice and any credit notes against it; 404 before payment.
#[utoipa::path(get, path = "/api/orders/{id}/invoice", responses(
    (status = 200, body = InvoiceResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
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

/// Cancels an order before packing: a paid order is refunded (and gets a
/// credit note), an unfinished one that was never charged is released.
#[utoipa::path(post, path = "/api/orders/{id}/cancel", responses(
    (status = 200, body = OrderResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "not_cancellable (packing started) or checkout_in_progress", body = shop_client::wire::ProblemDetails),
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

/// Staff set an order's status from the back office. Only changes the state
/// machine allows and no other part of the shop owns are taken (see
/// [`OrderStatus::staff_change`]): today that is `cancelled`, before packing,
/// through the same path as a buyer's cancel (a paid order is restocked,
/// refunded and credited). `packing`, `shipped` and `delivered` come from
/// fulfilment, refunds from returns and cancellations, the rest from checkout:
/// asking for them is a 409 `invalid_transition` and the order is unchanged.
/// Setting `cancelled` on a cancelled order answers it as it is.
#[utoipa::path(post, path = "/api/orders/{id}/status", request_body = AdminStatusRequest, responses(
    (status = 200, body = OrderResponse),
    (status = 401, body = shop_client::wire::ProblemDetails),
    (status = 403, description = "Not an admin", body = shop_client::wire::ProblemDetails),
    (status = 404, body = shop_client::wire::ProblemDetails),
    (status = 409, description = "invalid_transition (staff may not set this status now, e.g. shipped, or cancelled once packing started; the order is unchanged) or checkout_in_progress (retry after Retry-After)", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "validation_failed naming status (not a known status)", body = shop_client::wire::ProblemDetails),
    (status = 503, description = "dependency_unavailable: nothing was changed, or the refund is finished by recovery", body = shop_client::wire::ProblemDetails),
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
