-- An order's signed document is its draft's (the same nonce): an order is stored only when the
-- signed bytes are the draft's, so the order keeps no second copy of them. Every order has its
-- draft; should one be missing, it is recreated from the order before the copy goes.
INSERT INTO order_drafts (nonce, certificate_serial, order_data, terms_version, document,
                          document_sha256, issued_at)
    SELECT o.nonce, o.certificate_serial, o.order_data, o.terms_version, o.document,
           o.document_sha256, o.created_at
    FROM orders o
    WHERE NOT EXISTS (SELECT 1 FROM order_drafts d WHERE d.nonce = o.nonce);
ALTER TABLE orders DROP COLUMN document;
