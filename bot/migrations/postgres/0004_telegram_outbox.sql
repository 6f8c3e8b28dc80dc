-- Telegram: updates already taken (so a re-sent update is processed once), the outbox of replies
-- waiting to be delivered (written with the events that produced them), and one-time codes that
-- link a customer's channels.
CREATE TABLE telegram_updates (
    update_id BIGINT PRIMARY KEY,
    received_at BIGINT NOT NULL
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(status, id);

CREATE TABLE link_codes (
    code TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
