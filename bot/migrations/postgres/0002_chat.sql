-- Customers, their widget sessions and the demo back office. `conversations` gains the columns that
-- find a conversation from its customer or session; `events.ref` indexes what an event is about
-- (e.g. the order of a subscription) so readers of the log can find it.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    name TEXT,
    email TEXT,
    phone TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    token_hash TEXT NOT NULL,
    locale TEXT,
    created_at BIGINT NOT NULL
);

ALTER TABLE conversations ADD COLUMN customer_id TEXT;
ALTER TABLE conversations ADD COLUMN session_id TEXT;
CREATE INDEX conversations_by_customer ON conversations(customer_id, created_at);
CREATE INDEX conversations_by_session ON conversations(session_id, created_at);

ALTER TABLE events ADD COLUMN ref TEXT;
CREATE INDEX events_by_ref ON events(kind, ref);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status_date BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
