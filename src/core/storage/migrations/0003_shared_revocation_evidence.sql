-- Revocation evidence shared by the orders of one group commit: one OCSP response, signed once
-- by the responder key in the HSM, with a SingleResponse for each order's signing certificate,
-- stating the status read in the transaction that stored those orders.
CREATE TABLE revocation_evidence (
    id {{id}},
    response TEXT NOT NULL,                    -- base64 DER OCSPResponse
    produced_at BIGINT NOT NULL
);

-- Orders point to their evidence. The response each order stored before this migration kept
-- itself moves into revocation_evidence (responses are signed and timed, so each is unique).
ALTER TABLE orders ADD COLUMN evidence_id BIGINT REFERENCES revocation_evidence (id);
INSERT INTO revocation_evidence (response, produced_at)
    SELECT revocation_evidence, created_at FROM orders;
UPDATE orders SET evidence_id =
    (SELECT e.id FROM revocation_evidence e WHERE e.response = orders.revocation_evidence);
ALTER TABLE orders DROP COLUMN revocation_evidence;

-- A draft is used once an order carries its nonce (orders.nonce is unique), so the draft keeps no
-- copy of that: storing an order no longer rewrites the draft with its document.
ALTER TABLE order_drafts DROP COLUMN used_at;
ALTER TABLE order_drafts DROP COLUMN order_id;
