-- The demo back office knows who placed each order, so a customer without the order number can be
-- found by phone (its last ten digits) or e-mail (lower case).
ALTER TABLE orders ADD COLUMN phone TEXT;
ALTER TABLE orders ADD COLUMN email TEXT;
CREATE INDEX orders_by_phone ON orders(phone);
CREATE INDEX orders_by_email ON orders(email);
