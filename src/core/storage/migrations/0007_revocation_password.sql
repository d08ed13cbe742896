-- The revocation password (Sperrkennwort) the holder chose for the new card, as an Argon2id hash
-- (libsodium's crypto_pwhash_str); kept with the draft the order is made from, never in clear.
ALTER TABLE order_drafts ADD COLUMN revocation_password_hash TEXT;
