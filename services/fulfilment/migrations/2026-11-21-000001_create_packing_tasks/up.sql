-- Packing tasks: one per paid order.
CREATE TABLE packing_tasks (
    id          uuid PRIMARY KEY,
    order_id    uuid NOT NULL UNIQUE,
    user_id     uuid NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'packed', 'shipped')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX packing_tasks_status_idx ON packing_tasks (status, created_at);
