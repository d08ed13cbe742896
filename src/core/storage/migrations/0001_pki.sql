-- The trust center's certificates and their revocation status.
CREATE TABLE certificates (
    serial TEXT PRIMARY KEY,            -- lower-case hex, no leading zeros
    role TEXT NOT NULL,                 -- root_ca | issuing_ca | ocsp_signer | tls | holder
    issuer_serial TEXT,                 -- serial of the issuing certificate, NULL for the root
    subject TEXT NOT NULL,              -- RFC 2253 text, for operators
    not_before BIGINT NOT NULL,         -- unix seconds
    not_after BIGINT NOT NULL,
    der TEXT NOT NULL,                  -- base64 DER
    status TEXT NOT NULL DEFAULT 'good',-- good | revoked | on_hold
    revocation_reason INTEGER,          -- RFC 5280 CRLReason while revoked or on hold
    revoked_at BIGINT,
    issued_at BIGINT NOT NULL
);
CREATE INDEX certificates_role ON certificates (role);
CREATE INDEX certificates_status ON certificates (status);
CREATE INDEX certificates_issuer ON certificates (issuer_serial, status);

-- Every CRL published, numbered per issuer (RFC 5280 cRLNumber is monotonic).
CREATE TABLE crls (
    issuer_serial TEXT NOT NULL,
    number BIGINT NOT NULL,
    this_update BIGINT NOT NULL,
    der TEXT NOT NULL,                  -- base64 DER
    PRIMARY KEY (issuer_serial, number)
)
