-- A person's sessions from before their password last changed are over:
-- each browser session carries the epoch it was signed in at.
ALTER TABLE people ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
