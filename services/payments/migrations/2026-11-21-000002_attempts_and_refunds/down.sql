DROP TABLE refunds;
DROP INDEX payments_status_updated_at_idx;
ALTER TABLE payments DROP COLUMN provider_ref, DROP COLUMN decline_code, DROP COLUMN attempts;
