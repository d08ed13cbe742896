-- PostIdent results (R13) as they arrived, each case document once (its canonical form's SHA-256
-- is unique: the same case imported twice is one row), sealed with the data key (it holds the
-- identity the post office read). A result whose reference names no order is kept aside
-- (order_id NULL) and listed, never dropped. A result that needs a person opens a review
-- (review_state 'open') until a reviewer decides.
CREATE TABLE postident_results (
    id {{id}},
    case_id TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    order_id BIGINT REFERENCES orders (id),
    content_sha256 TEXT NOT NULL UNIQUE,
    sealed TEXT NOT NULL,                      -- base64
    verdict TEXT NOT NULL,                     -- accepted | review | declined | waiting | unmatched | order_closed
    reasons TEXT NOT NULL,                     -- JSON array of reason ids
    declined_reason TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,                      -- the file's name, or 'push'
    received_at BIGINT NOT NULL,
    review_state TEXT NOT NULL DEFAULT '',     -- '' none | open | identified | identify_again | rejected
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at BIGINT
);
CREATE INDEX postident_results_order ON postident_results (order_id);
CREATE INDEX postident_results_reference ON postident_results (reference_id);
CREATE INDEX postident_results_review ON postident_results (review_state);
