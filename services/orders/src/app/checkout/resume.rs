//! A checkout request whose key was seen before: replay the stored reply,
//! refuse a different request (409 `idempotency_key_reused`), or carry on
//! with the checkout if nobody is driving it.

use shop_client::wire::ErrorCode;
use shop_kit::{
    Problem,
    idempotency::{self, Decision, Fingerprint, IdempotencyKey, Stored},
};
use uuid::Uuid;

use super::{Answer, drive};
use crate::{
    db::models::{checkout_key::CheckoutKey, document::Invoice, order::Order},
    domain::{
        checkout::Checkout,
        outcome::{CheckoutOutcome, Reply},
        status::{OrderRules as _, OrderStatus},
    },
    state::AppState,
};

/// `None` for a key never seen; otherwise what the request gets.
pub async fn with_key(
    state: &AppState,
    user_id: Uuid,
    key: &IdempotencyKey,
    checkout: &Checkout,
) -> Result<Option<Answer>, Problem> {
    let existing = {
        let mut conn = state.db.get().await?;
        CheckoutKey::find(&mut conn, user_id, key.as_str()).await?
    };
    let Some(existing) = existing else {
        return Ok(None);
    };
    let stored = Stored {
        fingerprint: Fingerprint::stored(existing.request_hash.clone()),
        outcome: existing.reply(),
    };
    match idempotency::judge(Some(stored), &checkout.fingerprint)? {
        Decision::Replay(reply) => Ok(Some(Answer::Replay(reply))),
        Decision::Unfinished => carry_on(state, &existing, checkout).await.map(Some),
        Decision::New => Ok(None),
    }
}

/// The first request stopped before an outcome (or is still running).
async fn carry_on(
    state: &AppState,
    existing: &CheckoutKey,
    checkout: &Checkout,
) -> Result<Answer, Problem> {
    let lease = chrono::Duration::from_std(state.settings.lease).map_err(Problem::internal)?;
    let leased = {
        let mut conn = state.db.get().await?;
        Order::acquire_lease(&mut conn, existing.order_id, lease).await?
    };
    if let Some(order) = leased {
        return drive(state, order, Some(&checkout.payment), None)
            .await
            .map(Answer::Outcome);
    }
    // Either it is being driven right now, or it just finished.
    let mut conn = state.db.get().await?;
    if let Some(reply) = CheckoutKey::find(&mut conn, existing.user_id, &existing.key)
        .await?
        .and_then(|key| key.reply())
    {
        return Ok(Answer::Replay(reply));
    }
    let order = Order::find(&mut conn, existing.order_id)
        .await?
        .ok_or_else(|| Problem::not_found("order"))?;
    if order.status.is_unfinished() {
        return Err(idempotency::in_progress(ErrorCode::CheckoutInProgress));
    }
    // Ended without a stored reply. Cancelled while unfinished, nothing
    // was charged and the stock went back: told as an interrupted checkout
    // (a problem body, like every 4xx). Otherwise the sale stands: the order.
    let paid = order.status.was_paid() && order.status != OrderStatus::Cancelled;
    if !paid {
        return Ok(Answer::Finished(CheckoutOutcome::Interrupted.reply()));
    }
    let lines = Order::lines(&mut conn, order.id).await?;
    let invoice = Invoice::for_order(&mut conn, order.id)
        .await?
        .map(|i| (i.id, i.number));
    Ok(Answer::Finished(Reply {
        status: 201,
        body: serde_json::to_value(order.to_response(&lines, invoice))
            .map_err(Problem::internal)?,
    }))
}
