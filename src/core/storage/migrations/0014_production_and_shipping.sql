-- Production and shipping (issue "The back office"): the activation code the PIN letter carries,
-- kept only as its hash, with the deadline and the tries left; and the tracking numbers of the
-- card's parcel and the PIN letter, which go separately.
CREATE TABLE activation_codes (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    code_hash TEXT NOT NULL,                   -- Argon2id
    failed_tries INTEGER NOT NULL DEFAULT 0,
    deadline BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE order_shipments (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    card_tracking TEXT NOT NULL,
    letter_tracking TEXT NOT NULL,
    shipped_by TEXT NOT NULL,
    shipped_at BIGINT NOT NULL
);
