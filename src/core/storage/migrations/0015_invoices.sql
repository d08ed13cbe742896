-- Invoices (issue "The back office"): one per order, issued when its card is shipped. Numbers run
-- per year without gaps: a number is taken from invoice_numbers inside the transaction that
-- ships the order, so a transaction that fails takes its number back with it. The invoice keeps
-- what it said (buyer, amounts), so that it reads the same after the order changed.
CREATE TABLE invoice_numbers (
    year INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE invoices (
    number TEXT PRIMARY KEY,                   -- "2026-000001"
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id),
    issued_at BIGINT NOT NULL,
    buyer TEXT NOT NULL,                       -- JSON: the billing address, VAT id, email
    description TEXT NOT NULL,
    net_cents BIGINT NOT NULL,
    vat_percent INTEGER NOT NULL,
    vat_cents BIGINT NOT NULL,
    gross_cents BIGINT NOT NULL
);
CREATE INDEX invoices_issued ON invoices (issued_at);

-- The status mails this issue adds (approved, rejected, invoice) are not sent for what happened
-- before it: orders already past those steps count as mailed.
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'approved', 0, 0 FROM orders
    WHERE state IN ('approved', 'in_production', 'shipped', 'active');
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'rejected', 0, 0 FROM orders WHERE state = 'rejected';
