-- Erasing a customer's data: a customer merged into another by linking remembers which (so an erase
-- of the one reaches the other's profile), and an erased customer keeps only its id and when.
ALTER TABLE customers ADD COLUMN merged_into TEXT;
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
CREATE INDEX customers_by_merged_into ON customers(merged_into);
