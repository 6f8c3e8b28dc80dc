-- Link codes that cannot be guessed: the code is a public selector (the primary key) and a secret
-- verifier of which only the SHA-256 is kept; wrong verifiers count against the code, which is
-- burnt after a few. A code presented in another channel waits there for a yes in the channel that
-- made it (`joiner_*`) before anything is joined. Codes live ten minutes: the old table is dropped.
DROP TABLE link_codes;
CREATE TABLE link_codes (
    selector TEXT PRIMARY KEY,
    verifier_hash TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    joiner_session TEXT,
    joiner_customer TEXT
);
CREATE INDEX link_codes_by_customer ON link_codes(customer_id);
CREATE INDEX link_codes_by_expiry ON link_codes(expires_at);
