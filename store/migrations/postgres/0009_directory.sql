-- An organization's directory (an identity provider speaking SCIM) keeps
-- its own id for a person and a group, and a person's name in parts. A
-- person or group the directory removed is hidden from it from then on:
-- the person is deactivated, the group emptied, and both keep their
-- records.
ALTER TABLE people ADD COLUMN external_id TEXT;
ALTER TABLE people ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN deprovisioned_at BIGINT;
ALTER TABLE groups ADD COLUMN external_id TEXT;
ALTER TABLE groups ADD COLUMN deprovisioned_at BIGINT;
CREATE INDEX people_external_id ON people(external_id);
CREATE INDEX groups_external_id ON groups(external_id);
