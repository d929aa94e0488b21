//! `/api/returns*`: a buyer asks to send goods back, and follows the return.

use actix_web::{HttpResponse, web};
use shop_client::wire::fulfilment::{CreateReturnRequest, ReturnResponse};
use shop_kit::{Problem, auth::AuthUser};
use uuid::Uuid;

use crate::{db::models::rma::Rma, error::ApiError, returns, startup::AppState};
use shop_kit::extract::Json;

/// Registers the return routes.
pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/returns", web::post().to(create_return))
        .route("/api/returns/{id}", web::get().to(get_return));
}

/// Asks to return lines of a delivered order: 201 with an RMA number.
#[utoipa::path(post, path = "/api/returns", request_body = CreateReturnRequest, responses(
    (status = 201, body = ReturnResponse),
    (status = 404, description = "Not your order", body = shop_client::wire::ProblemDetails),
    (status = 409, description = "not_delivered or return_window_closed", body = shop_client::wire::ProblemDetails),
    (status = 422, description = "More than was bought, or not in the order", body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(order_id = %body.order_id))]
pub async fn create_return(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<CreateReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let (rma, lines) = returns::create(&state, &user, &body).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/returns/{}", rma.id)))
        .json(rma.to_response(&lines)))
}

/// A return: the buyer's own, or any for an admin.
#[utoipa::path(get, path = "/api/returns/{id}", responses(
    (status = 200, body = ReturnResponse),
    (status = 404, body = shop_client::wire::ProblemDetails),
))]
#[tracing::instrument(skip_all, fields(return_id = %id))]
pub async fn get_return(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.get().await?;
    let rma = Rma::find(&mut conn, *id)
        .await?
        .filter(|r| r.user_id == user.id || user.is_admin())
        .ok_or_else(|| Problem::not_found("return"))?;
    let lines = Rma::lines(&mut conn, rma.id).await?;
    Ok(HttpResponse::Ok().json(rma.to_response(&lines)))
}
