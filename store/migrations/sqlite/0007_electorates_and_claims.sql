-- A decision round's electorate is fixed when it opens: the members of
-- the target group and of the groups below it at that moment. Rounds open
-- now take the members of today.
CREATE TABLE round_electorate (
    round_id  INTEGER NOT NULL REFERENCES rounds(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (round_id, person_id)
) WITHOUT ROWID;
CREATE INDEX round_electorate_person ON round_electorate(person_id, round_id);

INSERT INTO round_electorate (round_id, person_id)
WITH RECURSIVE des(round_id, id, depth) AS (
    SELECT id, group_id, 0 FROM rounds WHERE closed_at IS NULL
    UNION ALL
    SELECT des.round_id, g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
SELECT DISTINCT des.round_id, m.person_id FROM des JOIN memberships m ON m.group_id = des.id;
