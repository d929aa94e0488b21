//! `GET /api/payments/{id}` and `GET /api/payments?order_id=`: your own, or any for admins.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shop_client::wire::{Page, payments::PaymentResponse};
use shop_kit::{Problem, auth::AuthUser};
use uuid::Uuid;

use crate::{db::models::payment::Payment, error::ApiError, state::AppState};
use shop_kit::extract::Query;

/// Registers the public payment routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/payments", web::get().to(list_payments))
        .route("/api/payments/{id}", web::get().to(get_payment));
}

/// One payment (yours, or any for an admin).
///
/// Someone else's payment is a 404, as if it did not exist.
#[utoipa::path(get, path = "/api/payments/{id}", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The payment's id")),
    responses(
        (status = 200, description = "The payment", body = PaymentResponse),
        (status = 404, description = "No such payment of the caller's (`not_found`)", body = shop_client::wire::ProblemDetails),
    )
)]
#[tracing::instrument(skip_all, fields(payment_id = %id))]
pub async fn get_payment(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let payment = Payment::find(&mut conn, *id)
        .await?
        .filter(|p| user.is_admin() || p.user_id == user.id)
        .ok_or_else(|| Problem::not_found("payment"))?;
    Ok(HttpResponse::Ok().json(payment.to_response()))
}

/// `?order_id=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderQuery {
    /// The order whose payments are listed.
    pub order_id: Uuid,
}

/// The payments of an order (yours, or any order's for an admin).
///
/// Every payment of the order on one page (`limit` is `total`); an order
/// that is not the caller's, or has no payment, gives an empty page.
#[utoipa::path(get, path = "/api/payments", tag = "payments", security(("bearer" = [])), params(OrderQuery), responses(
    (status = 200, description = "The order's payments", body = Page<PaymentResponse>),
))]
#[tracing::instrument(skip_all, fields(order_id = %query.order_id))]
pub async fn list_payments(
    user: AuthUser,
    state: web::Data<AppState>,
    query: Query<OrderQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let owner = (!user.is_admin()).then_some(user.id);
    let rows = Payment::for_order(&mut conn, query.order_id, owner).await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    Ok(HttpResponse::Ok().json(Page {
        items: rows.iter().map(Payment::to_response).collect(),
        total,
        limit: total,
        offset: 0,
    }))
}
