-- The mails a holder gets about an order (order received, card shipped): one row per order and
-- kind, claimed by the portal instance that sends it. Orders stored before mails existed count
-- as mailed, so that no instance mails the whole history at once.
CREATE TABLE order_mails (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    kind TEXT NOT NULL,                  -- received | shipped
    claimed_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, kind)
);
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at) SELECT id, 'received', 0, 0 FROM orders;
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'shipped', 0, 0 FROM orders WHERE state IN ('shipped', 'active');
