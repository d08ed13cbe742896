-- Retention (issue "The back office"): which class of an order's records was deleted when, one
-- row per order and class, so each deletion happens once also with several instances.
CREATE TABLE retention_deletions (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    record_class TEXT NOT NULL,      -- entered_data | proofs | postident_results | mails | identification | signed_order
    reason TEXT NOT NULL,            -- ended | finished
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, record_class)
);
