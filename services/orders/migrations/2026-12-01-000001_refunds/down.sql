ALTER TABLE orders ADD COLUMN refund_due_cents bigint NOT NULL DEFAULT 0;
UPDATE orders o SET refund_due_cents = r.amount_cents
FROM refunds r
WHERE r.order_id = o.id AND r.cause = 'cancellation' AND r.progress <> 'done';
DROP TABLE refunds;
