-- A decision round's electorate is fixed when it opens: the members of
-- the target group and of the groups below it at that moment. Rounds open
-- now take the members of today.
CREATE TABLE round_electorate (
    round_id  BIGINT NOT NULL REFERENCES rounds(id) DEFERRABLE,
    person_id BIGINT NOT NULL REFERENCES people(id) DEFERRABLE,
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX round_electorate_person ON round_electorate(person_id, round_id);

INSERT INTO round_electorate (round_id, person_id)
WITH RECURSIVE des(round_id, id, depth) AS (
    SELECT id, group_id, 0 FROM rounds WHERE closed_at IS NULL
    UNION ALL
    SELECT des.round_id, g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
SELECT DISTINCT des.round_id, m.person_id FROM des JOIN memberships m ON m.group_id = des.id;

-- An idea posted to an anonymous session names nobody: its author holds a
-- claim token, and only the token's hash is kept with the idea. Ideas
-- already posted to anonymous sessions lose their author link; nobody
-- can claim them.
ALTER TABLE ideas ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE ideas ADD COLUMN claim_hash TEXT;
UPDATE ideas SET author_id = NULL
    WHERE session_id IN (SELECT id FROM facilitation_sessions WHERE anonymous <> 0);
