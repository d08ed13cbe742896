-- Reminders before a certificate expires (issue "The back office"): one row per card and
-- threshold (days before expiry), the claim of the instance that sends it.
CREATE TABLE expiry_reminders (
    card_id BIGINT NOT NULL REFERENCES cards (id),
    days INTEGER NOT NULL,
    claimed_at BIGINT NOT NULL,
    sent_at BIGINT,
    PRIMARY KEY (card_id, days)
);
