-- In-person identification at a registration office (R12): what the officer checked, compared
-- with the order, and the officer's confirmation that the ID document stayed in the holder's
-- hands and the copy was made in their presence — signed with the officer's card (CAdES over the
-- record's canonical JSON). There is no column for a document handed over or deposited.
CREATE TABLE identification_records (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL,                      -- registration_office
    office TEXT NOT NULL,
    officer TEXT NOT NULL,                     -- operator name
    record TEXT NOT NULL,                      -- canonical JSON, as signed
    record_sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,                   -- base64 CMS by the officer's card
    identified_at BIGINT NOT NULL
);
CREATE INDEX identification_records_order ON identification_records (order_id);

-- ID copies (R10, R11): only the processed pages (straightened, blackened, marked KOPIE), each
-- encrypted with AES-256-GCM under a key of its own, which is wrapped by a key that never leaves
-- the HSM. Read only through an audited operator action; deleted after
-- id_copy_retention_years past the certificate's expiry (delete_after), with a deletion record.
CREATE TABLE id_copies (
    id {{id}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    side TEXT NOT NULL,                        -- id_card_front | id_card_back | passport_data_page
    wrapped_key TEXT NOT NULL,                 -- base64, by the HSM key, bound to order and side
    sealed TEXT NOT NULL,                      -- base64: IV || ciphertext || tag
    sha256 TEXT NOT NULL,                      -- of the processed JPEG
    blackened TEXT NOT NULL,                   -- JSON array of the fields blacked out
    created_at BIGINT NOT NULL,
    delete_after BIGINT,                       -- set once the certificate's expiry is known
    deleted_at BIGINT
);
CREATE INDEX id_copies_order ON id_copies (order_id);
CREATE INDEX id_copies_delete_after ON id_copies (delete_after);

-- An identification the officer prepared on the back office's page and has not yet signed:
-- the record and the processed pages (sealed with the data key), for the officer's card to sign
-- on any back-office instance; gone once signed, or after a quarter of an hour.
CREATE TABLE pending_identifications (
    order_number TEXT PRIMARY KEY,
    officer TEXT NOT NULL,
    prepared TEXT NOT NULL,                    -- base64, sealed: record, pages, blackened
    created_at BIGINT NOT NULL
);
