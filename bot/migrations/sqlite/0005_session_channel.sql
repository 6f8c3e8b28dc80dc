-- A session knows its channel (the web widget or a Telegram chat); the channel owns addressing.
ALTER TABLE sessions ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
UPDATE sessions SET channel = 'telegram' WHERE id LIKE 'tg:%';
