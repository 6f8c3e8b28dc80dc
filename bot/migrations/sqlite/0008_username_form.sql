-- Usernames have one form (NFKC, trimmed, lower case) for creation, lookup and the login limiter;
-- existing accounts are brought to it as far as SQL can (ASCII lower case, trimmed).
UPDATE agents SET username = LOWER(TRIM(username));
