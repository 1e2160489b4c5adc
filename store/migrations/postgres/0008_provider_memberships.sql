-- A membership that a single sign-on provider's groups claim made, and
-- that nobody has set since: a later sign-in whose claim no longer names
-- the group takes it away again. Setting the role any other way (pages,
-- API, import) makes the membership an ordinary one.
ALTER TABLE memberships ADD COLUMN from_provider BIGINT NOT NULL DEFAULT 0;
