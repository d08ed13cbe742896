-- The same signed document gives one order because the document carries its draft's nonce and
-- orders.nonce is unique. A unique index on the document's hash said the same again and cost
-- every stored order a page write at a random place in the index. SQLite cannot drop a column's
-- constraint, so the table is rebuilt (foreign keys are off while a migration runs and checked
-- before it commits).
CREATE TABLE orders_rebuilt (
    id {{id}},
    order_number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    card_id BIGINT REFERENCES cards (id),
    order_data TEXT NOT NULL,
    terms_version TEXT NOT NULL REFERENCES terms_versions (version),
    document_sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    signature_sha256 TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,
    nonce TEXT NOT NULL UNIQUE,
    new_card_id BIGINT REFERENCES cards (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    evidence_id BIGINT REFERENCES revocation_evidence (id)
);
INSERT INTO orders_rebuilt (id, order_number, kind, state, card_id, order_data, terms_version,
                            document_sha256, signature, signature_sha256, certificate_serial,
                            nonce, new_card_id, created_at, updated_at, evidence_id)
    SELECT id, order_number, kind, state, card_id, order_data, terms_version, document_sha256,
           signature, signature_sha256, certificate_serial, nonce, new_card_id, created_at,
           updated_at, evidence_id
    FROM orders;
-- Order ids are never reused: the rebuilt table continues the old one's sequence.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'orders_rebuilt', seq FROM sqlite_sequence WHERE name = 'orders'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'orders_rebuilt');
UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'orders')
    WHERE name = 'orders_rebuilt';
DROP TABLE orders;
ALTER TABLE orders_rebuilt RENAME TO orders;
CREATE INDEX orders_card ON orders (card_id);
-- At most one open follow-up order per card, also with several portal instances.
CREATE UNIQUE INDEX orders_one_open_per_card ON orders (card_id)
    WHERE state IN ('submitted', 'approved', 'in_production', 'shipped');
CREATE INDEX orders_state ON orders (state);
