-- Revocation evidence shared by the orders of one group commit: one OCSP response, signed once
-- by the responder key in the HSM, with a SingleResponse for each order's signing certificate,
-- stating the status read in the transaction that stored those orders.
CREATE TABLE revocation_evidence (
    id {{id}},
    response TEXT NOT NULL,                    -- base64 DER OCSPResponse
    produced_at BIGINT NOT NULL
);

-- Orders point to their evidence; orders.revocation_evidence stays empty for them (it holds the
-- per-order response of orders stored before this migration).
ALTER TABLE orders ADD COLUMN evidence_id BIGINT REFERENCES revocation_evidence (id);

-- A draft is used once an order carries its nonce (orders.nonce is unique), so the draft keeps no
-- copy of that: storing an order no longer rewrites the draft with its document.
ALTER TABLE order_drafts DROP COLUMN used_at;
ALTER TABLE order_drafts DROP COLUMN order_id;
