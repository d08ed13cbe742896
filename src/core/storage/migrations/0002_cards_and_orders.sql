-- Cooperation partners, produced cards, terms versions, orders and the audit log.

CREATE TABLE partners (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    contact_email TEXT NOT NULL,
    contact_phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- A signature card the trust center produced. The identification it rests on is carried over
-- from card to card through follow-up orders, together with the count of remote renewals.
CREATE TABLE cards (
    id {{id}},
    card_serial TEXT NOT NULL UNIQUE,          -- the token's serial number
    token_label TEXT NOT NULL,
    certificate_serial TEXT NOT NULL UNIQUE REFERENCES certificates (serial),
    partner_id BIGINT REFERENCES partners (id), -- sales channel: NULL = sold directly
    identification_method TEXT NOT NULL,       -- postident | in_person | eid
    identified_at BIGINT NOT NULL,             -- unix seconds of that identification
    remote_renewals INTEGER NOT NULL DEFAULT 0,-- follow-up orders since that identification
    replaces_card_id BIGINT REFERENCES cards (id),
    order_id BIGINT,                           -- the order this card was produced for
    state TEXT NOT NULL,                       -- produced | active | revoked
    produced_at BIGINT NOT NULL
);
CREATE INDEX cards_replaces ON cards (replaces_card_id);

-- General terms (AGB), versioned; an order binds the version valid when it is signed.
CREATE TABLE terms_versions (
    version TEXT PRIMARY KEY,
    valid_from BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE INDEX terms_valid_from ON terms_versions (valid_from);

-- Order drafts: the exact document the portal rendered for a certificate, with the server
-- nonce it contains. A draft may become one order, within nonce_max_age_minutes.
CREATE TABLE order_drafts (
    nonce TEXT PRIMARY KEY,
    certificate_serial TEXT NOT NULL,
    order_data TEXT NOT NULL,                  -- JSON, normalised
    terms_version TEXT NOT NULL,
    document TEXT NOT NULL,                    -- base64 of the rendered bytes
    document_sha256 TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    used_at BIGINT,
    order_id BIGINT
);
CREATE INDEX order_drafts_certificate ON order_drafts (certificate_serial);

CREATE TABLE orders (
    id {{id}},
    order_number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                        -- follow_up | new
    state TEXT NOT NULL,                       -- submitted | approved | in_production | shipped | active | rejected | cancelled
    card_id BIGINT REFERENCES cards (id),      -- the card a follow-up order was signed with
    order_data TEXT NOT NULL,                  -- JSON: contact, addresses, declaration
    terms_version TEXT NOT NULL REFERENCES terms_versions (version),
    document TEXT NOT NULL,                    -- base64 of exactly the signed bytes
    document_sha256 TEXT NOT NULL UNIQUE,      -- the same signed document gives one order
    signature TEXT NOT NULL,                   -- base64 CMS (CAdES) detached signature
    signature_sha256 TEXT NOT NULL,
    certificate_serial TEXT NOT NULL,          -- the signing card's certificate
    revocation_evidence TEXT NOT NULL,         -- base64 OCSP response at submission
    nonce TEXT NOT NULL UNIQUE,
    new_card_id BIGINT REFERENCES cards (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orders_card ON orders (card_id);
-- At most one open follow-up order per card, also with several portal instances.
CREATE UNIQUE INDEX orders_one_open_per_card ON orders (card_id)
    WHERE state IN ('submitted', 'approved', 'in_production', 'shipped');
CREATE INDEX orders_state ON orders (state);

CREATE TABLE order_events (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    at BIGINT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);

-- Append-only audit log. Each record's hash covers the previous record's hash, so any change
-- or removal breaks the chain from there on. audit_head serialises appends across instances.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
