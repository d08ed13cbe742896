-- The unsigned drafts of a card (its cap) and the drafts past their age (the purge), found by
-- index instead of a scan.
CREATE INDEX order_drafts_by_certificate ON order_drafts (certificate_serial, issued_at);
CREATE INDEX order_drafts_by_issue_time ON order_drafts (issued_at);
