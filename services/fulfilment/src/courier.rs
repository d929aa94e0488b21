//! Booking a courier. [`Courier`] is the seam a real carrier would plug into;
//! [`MockCourier`] books instantly with a deterministic tracking number
//! (`MC` and 12 hex digits of the shipment id), is idempotent per shipment id
//! (asking again returns the same booking), and can refuse its first
//! `COURIER_FAIL_FIRST` bookings to exercise retries.

use std::{
    collections::HashMap,
    sync::{
        Mutex,
        atomic::{AtomicU32, Ordering},
    },
};

use prometheus::{IntCounterVec, Opts, Registry};
use uuid::Uuid;

/// What the courier is asked to carry.
pub struct BookingRequest<'a> {
    /// Also the idempotency key: the same id books once.
    pub shipment_id: Uuid,
    pub order_id: Uuid,
    pub address: &'a shop_client::wire::users::Address,
    pub parcels: u32,
}

/// A confirmed booking.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub courier: String,
    pub tracking_number: String,
}

/// A courier service.
#[async_trait::async_trait]
pub trait Courier: Send + Sync {
    /// Books a pickup; `Err` with a reason to try again later.
    async fn book(&self, request: &BookingRequest<'_>) -> Result<Booking, String>;
}

/// The in-process stand-in for a courier.
pub struct MockCourier {
    fail_first: AtomicU32,
    bookings: Mutex<HashMap<Uuid, Booking>>,
    /// `courier_bookings_total{outcome}`: booked, replayed, refused.
    calls: IntCounterVec,
}

impl MockCourier {
    pub fn new(fail_first: u32, registry: &Registry) -> anyhow::Result<Self> {
        let calls = IntCounterVec::new(
            Opts::new(
                "courier_bookings_total",
                "Courier booking calls, by outcome",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(calls.clone()))?;
        Ok(Self {
            fail_first: AtomicU32::new(fail_first),
            bookings: Mutex::new(HashMap::new()),
            calls,
        })
    }

    /// The tracking number a shipment id always gets.
    pub fn tracking_number(shipment_id: Uuid) -> String {
        let hex = shipment_id.simple().to_string().to_uppercase();
        format!("MC{}", &hex[hex.len() - 12..])
    }
}

#[async_trait::async_trait]
impl Courier for MockCourier {
    async fn book(&self, request: &BookingRequest<'_>) -> Result<Booking, String> {
        let refuse = self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if refuse {
            self.calls.with_label_values(&["refused"]).inc();
            return Err("the courier refused the booking (no pickup slot)".to_owned());
        }
        let mut bookings = self
            .bookings
            .lock()
            .map_err(|_| "the courier's booking book is unusable".to_owned())?;
        if let Some(existing) = bookings.get(&request.shipment_id) {
            self.calls.with_label_values(&["replayed"]).inc();
            return Ok(existing.clone());
        }
        let booking = Booking {
            courier: "mock-courier".to_owned(),
            tracking_number: Self::tracking_number(request.shipment_id),
        };
        bookings.insert(request.shipment_id, booking.clone());
        self.calls.with_label_values(&["booked"]).inc();
        tracing::info!(order_id = %request.order_id, parcels = request.parcels, tracking = %booking.tracking_number, "courier booked");
        Ok(booking)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> shop_client::wire::users::Address {
        shop_client::wire::users::Address {
            name: "A".into(),
            line1: "1 Road".into(),
            line2: None,
            city: "Town".into(),
            postal_code: "1".into(),
            country: "GB".into(),
        }
    }

    #[tokio::test]
    async fn a_booking_is_deterministic_idempotent_and_can_be_made_to_fail_first() {
        let courier = MockCourier::new(1, &Registry::new()).unwrap();
        let address = address();
        let request = BookingRequest {
            shipment_id: Uuid::now_v7(),
            order_id: Uuid::now_v7(),
            address: &address,
            parcels: 1,
        };
        assert!(
            courier.book(&request).await.is_err(),
            "the first is refused"
        );
        let first = courier.book(&request).await.unwrap();
        let again = courier.book(&request).await.unwrap();
        assert_eq!(first, again);
        assert_eq!(
            first.tracking_number,
            MockCourier::tracking_number(request.shipment_id)
        );
        assert!(first.tracking_number.starts_with("MC"));
        assert_eq!(first.tracking_number.len(), 14);
    }
}
