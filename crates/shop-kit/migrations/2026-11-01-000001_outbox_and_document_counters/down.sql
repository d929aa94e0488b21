DROP TABLE IF EXISTS document_counters;
DROP TABLE IF EXISTS outbox;
