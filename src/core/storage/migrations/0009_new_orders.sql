-- New orders (Neuauftrag): the order row (kind 'new', no card, no signature: the applicant signs
-- the printed order form and is identified in person) and beside it the application, the
-- PostIdent reference Deutsche Post returns with the result, the identification deadline and the
-- revocation password's hash. The canonical order document is kept with its SHA-256 (also in
-- orders.document_sha256 and in the order form's Data Matrix).
CREATE TABLE new_order_applications (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    postident_reference TEXT NOT NULL UNIQUE,
    identification_method TEXT NOT NULL,       -- postident | registration_office
    registration_office TEXT NOT NULL DEFAULT '',
    document TEXT NOT NULL,                    -- canonical JSON: application, terms, price
    revocation_password_hash TEXT NOT NULL,    -- Argon2id
    identification_deadline BIGINT NOT NULL
);
CREATE INDEX new_order_applications_deadline ON new_order_applications (identification_deadline);

-- Proofs of certificate attributes, sealed (XChaCha20-Poly1305 under the trust center's data
-- key, bound to order number and attribute) until the back office has checked them.
CREATE TABLE order_proofs (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    attribute TEXT NOT NULL,                   -- profession | procuration | monetary_limit | restriction
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,                      -- of the plain file
    sealed TEXT NOT NULL,                      -- base64
    PRIMARY KEY (order_id, attribute)
);
