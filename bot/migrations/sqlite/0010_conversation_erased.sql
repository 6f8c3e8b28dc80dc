-- A conversation erased (by request or by retention) is not erased again.
ALTER TABLE conversations ADD COLUMN erased_at BIGINT;
