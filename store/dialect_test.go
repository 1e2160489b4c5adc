package store

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b = ?`, `SELECT * FROM t WHERE a = $1 AND b = $2`},
		{`SELECT '?' || ? FROM t`, `SELECT '?' || $1 FROM t`},
		{`SELECT 'it''s ?', ? FROM "odd?name"`, `SELECT 'it''s ?', $1 FROM "odd?name"`},
		{`INSERT INTO t VALUES (?, ?), (?, ?)`, `INSERT INTO t VALUES ($1, $2), ($3, $4)`},
		{`x LIKE ? ESCAPE '\' OR y LIKE ? ESCAPE '\'`, `x LIKE $1 ESCAPE '\' OR y LIKE $2 ESCAPE '\'`},
		{`SELECT value::bigint FROM jsonb_array_elements_text(?::jsonb)`, `SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)`},
	} {
		if got := postgresDialect.sql(tc.in); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
		if got := sqliteDialect.sql(tc.in); got != tc.in {
			t.Errorf("SQLite keeps its question marks: %s", got)
		}
	}
}

func TestFullTextQueries(t *testing.T) {
	for _, tc := range []struct {
		words          []string
		sqlite, postgr string
	}{
		{[]string{"cache"}, `"cache"*`, `'cache':*`},
		{[]string{"build", "cache"}, `"build" "cache"*`, `'build' & 'cache':*`},
		{[]string{`o'brien`, `a"b`}, `"o'brien" "a""b"*`, `'o''brien' & 'a"b':*`},
		{[]string{`back\slash`}, `"back\slash"*`, `'back\\slash':*`},
	} {
		if got := sqliteDialect.ftsQuery(append([]string(nil), tc.words...)); got != tc.sqlite {
			t.Errorf("sqlite %q: %s, want %s", tc.words, got, tc.sqlite)
		}
		if got := postgresDialect.ftsQuery(append([]string(nil), tc.words...)); got != tc.postgr {
			t.Errorf("postgres %q: %s, want %s", tc.words, got, tc.postgr)
		}
	}
}

func TestArgsAsTheDriverTakesThem(t *testing.T) {
	got := postgresDialect.args([]any{true, false, int64(3), "x", nil})
	if got[0] != int64(1) || got[1] != int64(0) || got[2] != int64(3) || got[3] != "x" || got[4] != nil {
		t.Errorf("postgres args: %v", got)
	}
	if got := sqliteDialect.args([]any{true}); got[0] != true {
		t.Errorf("sqlite args: %v", got)
	}
}

func TestChangeMessagesStayShort(t *testing.T) {
	many := make([]int64, 5000)
	for i := range many {
		many[i] = int64(1_000_000 + i)
	}
	for _, tc := range []struct {
		name          string
		c             change
		allInbox, all bool
	}{
		{"small", change{Node: "n", Pitches: []int64{1, 2}, Inbox: []int64{3}}, false, false},
		{"a notice to a large group", change{Node: "n", Pitches: []int64{1}, Inbox: many}, true, false},
		{"an import", change{Node: "n", Pitches: many, Inbox: many}, true, true},
	} {
		msg := tc.c.encode()
		if len(msg) > maxPayload {
			t.Errorf("%s: %d bytes", tc.name, len(msg))
		}
		var got change
		if err := json.Unmarshal([]byte(msg), &got); err != nil {
			t.Fatal(err)
		}
		if got.AllInbox != tc.allInbox || got.All != tc.all {
			t.Errorf("%s: all inboxes %v, all %v", tc.name, got.AllInbox, got.All)
		}
		if !tc.all && !slices.Equal(got.Pitches, tc.c.Pitches) {
			t.Errorf("%s: the pitches were lost: %v", tc.name, got.Pitches)
		}
	}
}

func TestCastIDOnlyWherePostgreSQLNeedsIt(t *testing.T) {
	q := `WITH RECURSIVE anc(id) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT 1) SELECT ?`
	if got := sqliteDialect.sql(q); got != `WITH RECURSIVE anc(id) AS (SELECT ? UNION ALL SELECT 1) SELECT ?` {
		t.Errorf("sqlite: %s", got)
	}
	if got := postgresDialect.sql(q); got != `WITH RECURSIVE anc(id) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT 1) SELECT $2` {
		t.Errorf("postgres: %s", got)
	}
}
