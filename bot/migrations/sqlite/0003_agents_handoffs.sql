-- Agents, their login tokens (hashed, expiring) and handoffs. A handoff row is the queue's view of
-- the log's handoff events: it makes "who may claim" one atomic conditional update.
CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    languages TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agent_tokens (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE handoffs (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    reason TEXT NOT NULL,
    rule TEXT NOT NULL,
    language TEXT NOT NULL,
    priority BIGINT NOT NULL,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    offered_to TEXT,
    offered_at BIGINT,
    agent_id TEXT,
    claimed_at BIGINT,
    first_reply_at BIGINT,
    closed_at BIGINT,
    brief TEXT NOT NULL
);

CREATE INDEX handoffs_by_status ON handoffs(status, requested_at);
CREATE INDEX handoffs_by_conversation ON handoffs(conversation_id, requested_at);
CREATE INDEX handoffs_by_agent ON handoffs(agent_id, status);
