ALTER TABLE packing_tasks DROP CONSTRAINT packing_tasks_order_id_fkey;
ALTER TABLE packing_tasks DROP CONSTRAINT packing_tasks_status_check;
ALTER TABLE packing_tasks ADD CONSTRAINT packing_tasks_status_check
    CHECK (status IN ('pending', 'packed', 'shipped'));
DROP TABLE fulfilment_cancellations;
DROP TABLE fulfilments;
