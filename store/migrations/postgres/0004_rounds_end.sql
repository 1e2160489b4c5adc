-- A decision made directly, or a withdrawal, now ends the pitch's open
-- round. Rounds left open before that by either are ended as they would
-- be now: by the first decision made after they opened (and linked to
-- it), or when the pitch was withdrawn.
UPDATE rounds SET
    decision_id = (SELECT d.id FROM decisions d
        WHERE d.pitch_id = rounds.pitch_id AND d.created_at >= rounds.created_at AND d.round_id IS NULL
        ORDER BY d.created_at, d.id LIMIT 1),
    closed_at = (SELECT d.created_at FROM decisions d
        WHERE d.pitch_id = rounds.pitch_id AND d.created_at >= rounds.created_at AND d.round_id IS NULL
        ORDER BY d.created_at, d.id LIMIT 1)
WHERE closed_at IS NULL AND EXISTS (SELECT 1 FROM decisions d
    WHERE d.pitch_id = rounds.pitch_id AND d.created_at >= rounds.created_at AND d.round_id IS NULL);

UPDATE rounds SET
    closed_at = coalesce((SELECT max(a.at) FROM acts a
        WHERE a.verb = 'pitch.withdrawn' AND a.subject_kind = 'pitch' AND a.subject_id = rounds.pitch_id), created_at)
WHERE closed_at IS NULL AND (SELECT status FROM pitches WHERE id = rounds.pitch_id) = 'withdrawn';
