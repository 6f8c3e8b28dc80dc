-- Every conversation's automatic effort and QA scorecard: a reader of the log writes it when the
-- conversation ends and again after later events (`through_event`: the last event it has seen).
-- `agents` lists the agents who took part (",aigerim,bob,") so an agent's own rows are found;
-- `failed` lists the failed criteria (",repeat_ask,slow_reply,").
CREATE TABLE quality (
    conversation_id TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    agents TEXT NOT NULL,
    failed TEXT NOT NULL,
    score INTEGER NOT NULL,
    effort INTEGER NOT NULL,
    survey_ces INTEGER,
    through_event BIGINT NOT NULL,
    scored_at BIGINT NOT NULL,
    card TEXT NOT NULL
);
CREATE INDEX quality_by_start ON quality(started_at);
