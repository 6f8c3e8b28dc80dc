-- The same schema as PostgreSQL's 0012 (several nodes need PostgreSQL; on SQLite one node uses only
-- `turn_seq`, which checks every unit of work against the memory it was decided on).
ALTER TABLE customers ADD COLUMN turn_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE agent_presence (
    node TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    sockets INTEGER NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (node, agent_id)
);

CREATE TABLE outbox_leases (
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    node TEXT NOT NULL,
    until_at BIGINT NOT NULL,
    PRIMARY KEY (channel, address)
);

CREATE TABLE live_frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
