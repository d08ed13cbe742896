-- Revocation by the holder online (issue "The back office"): wrong revocation passwords counted
-- per order, where every instance sees them; after a few only the phone is left.
CREATE TABLE revocation_attempts (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id),
    failed_tries INTEGER NOT NULL DEFAULT 0,
    last_at BIGINT NOT NULL
);

-- Orders whose card was revoked before this mail kind existed count as mailed.
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT o.id, 'revoked', 0, 0 FROM orders o JOIN cards k ON k.id = o.new_card_id
    WHERE k.state = 'revoked';
