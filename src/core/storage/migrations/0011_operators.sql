-- Operators of the back office (issue "Identification", used by the back office): each holds a
-- qualified card of this trust center, named here by its certificate, with the roles it may act
-- in. No passwords: an operator logs in by signing a challenge with the card.
CREATE TABLE operators (
    id {{id}},
    name TEXT NOT NULL,                        -- short; the audit log's "operator:<name>"
    display_name TEXT NOT NULL,
    certificate_serial TEXT NOT NULL REFERENCES certificates (serial),
    roles TEXT NOT NULL,                       -- comma-separated, see core/operators
    chamber TEXT NOT NULL DEFAULT '',          -- chamber staff: the chamber whose admissions they revoke
    added_by TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    removed_by TEXT NOT NULL DEFAULT '',
    removed_at BIGINT                          -- NULL while the operator may act
);
CREATE INDEX operators_certificate ON operators (certificate_serial);

-- Sign-in challenges: issued for one operator card, signed once, within minutes. Kept in the
-- database, so any back-office instance checks a challenge another one issued, and a replayed
-- signature finds its challenge used.
CREATE TABLE operator_challenges (
    nonce TEXT PRIMARY KEY,
    certificate_serial TEXT NOT NULL,
    origin TEXT NOT NULL,
    statement TEXT NOT NULL,                   -- exactly what the card signs
    issued_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX operator_challenges_issued ON operator_challenges (issued_at);

-- Operators' sessions: short, ended by logging out, by the card leaving the reader (the page
-- asks the agent), by idling or after a working day. Only the SHA-256 of the cookie's value is
-- kept; any back-office instance finds them.
CREATE TABLE operator_sessions (
    id_sha256 TEXT PRIMARY KEY,
    operator_name TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL,          -- the card the page watches
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT NOT NULL DEFAULT ''
);
