-- Several nodes on one database.
-- `turn_seq` counts the units of work written on a customer's conversations: a node's cached memory
-- of the customer is current while the count is the one it read, and a unit commits only when it is
-- (so two nodes never both answer on one memory; the later one re-reads and goes again).
ALTER TABLE customers ADD COLUMN turn_seq BIGINT NOT NULL DEFAULT 0;

-- Agents' open consoles per node; a node refreshes `seen_at` while it lives, so a dead node's
-- agents go offline when their rows grow old.
CREATE TABLE agent_presence (
    node TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    sockets INTEGER NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (node, agent_id)
);

-- Which node delivers a push channel's chat now: a chat is leased whole, so its replies leave in
-- order from one node, and a dead node's chats are taken over when the lease runs out.
CREATE TABLE outbox_leases (
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    node TEXT NOT NULL,
    until_at BIGINT NOT NULL,
    PRIMARY KEY (channel, address)
);
CREATE INDEX outbox_pending_chats ON outbox(channel, address, id) WHERE status = 'pending';

-- Live frames too large for a NOTIFY payload: the notification carries the row's id.
CREATE TABLE live_frames (
    id BIGSERIAL PRIMARY KEY,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
