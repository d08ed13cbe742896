-- The status mails of the remaining steps (identified, activated, cancelled, expired) are not
-- sent for what happened before they existed: orders already past those steps count as mailed.
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'identified', 0, 0 FROM orders
    WHERE kind = 'new' AND state IN ('identified', 'approved', 'in_production', 'shipped', 'active');
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'activated', 0, 0 FROM orders WHERE state = 'active';
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'cancelled', 0, 0 FROM orders WHERE state = 'cancelled';
INSERT INTO order_mails (order_id, kind, claimed_at, sent_at)
    SELECT id, 'expired', 0, 0 FROM orders WHERE state = 'expired';
