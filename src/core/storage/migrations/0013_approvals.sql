-- Four-eyes approval (issue "The back office"): every approval and rejection is a statement the
-- operator signed with the card (CAdES over the order's document hash, the entered data's hash,
-- the order's revision, the decision and the time), kept with the order. An order is approved
-- by the second approval of the same revision by a different approver; a change to the order
-- raises its revision and voids the approvals given so far.
ALTER TABLE orders ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

CREATE TABLE order_decisions (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    decision TEXT NOT NULL,                    -- approve | reject
    operator_name TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,          -- the operator card that signed
    revision INTEGER NOT NULL,                 -- the order's revision the statement names
    statement TEXT NOT NULL,                   -- exactly the bytes the card signed
    statement_sha256 TEXT NOT NULL UNIQUE,
    signature TEXT NOT NULL,                   -- base64 CMS (CAdES), detached
    decided_at BIGINT NOT NULL,
    voided_at BIGINT,                          -- set when the order changed after this approval
    voided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_decisions_order ON order_decisions (order_id);
-- One approval per operator and revision, also with several back-office instances.
CREATE UNIQUE INDEX order_decisions_one_per_operator
    ON order_decisions (order_id, revision, operator_name);

-- Who is working on an order in a queue (claim and hand back). At most one operator at a time.
CREATE TABLE order_claims (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    operator_name TEXT NOT NULL,
    claimed_at BIGINT NOT NULL
);

-- The queues list orders by state, oldest first (one index-ordered scan per state).
CREATE INDEX orders_state_since ON orders (state, updated_at, id);
