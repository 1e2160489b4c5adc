package store

import (
	"strconv"
	"strings"
)

// dialect is what differs between the two databases the store speaks:
// SQLite, embedded, and PostgreSQL. Every operation is written once, in the
// SQL both accept (ON CONFLICT, RETURNING, IS DISTINCT FROM, integers for
// times and flags); what they spell differently lives here and nowhere
// else: placeholders, the JSON of a pitch's evidence, full-text search, a
// case-blind LIKE, a list of ids passed as one parameter, and how writes
// are ordered (one writer with group commit, or concurrent transactions,
// see postgres.go).
type dialect struct {
	name string // "sqlite" or "postgres"
	// numbered says placeholders are $1, $2 … rather than ?.
	numbered bool
	// evidenceJSON reads a pitch's evidence (the pitch is p), in order, as
	// one JSON array, so that a pitch is one statement to read.
	evidenceJSON string
	// ftsMatch is a condition on p.id: the pitch's text matches the one
	// parameter, a query from ftsQuery.
	ftsMatch string
	// ftsQuery turns words as typed into the parameter of ftsMatch: every
	// word must appear, the last one may be the start of a word.
	ftsQuery func(words []string) string
	// ftsInsert is the statement that indexes n pitches at once, each with
	// four parameters: id, title, status quo, better way.
	ftsInsert func(n int) string
	// idsIn is a subquery of the ids in its one parameter, a JSON array.
	idsIn string
	// like is LIKE that ignores the case of ASCII letters.
	like string
	// pitchCols are the columns scanPitch reads: pitchColumns and the
	// evidence (set at init).
	pitchCols string
	// unindexed, put before a column, keeps the planner from choosing an
	// index on it (SQLite's planner counts no rows; PostgreSQL's does).
	unindexed string
}

var sqliteDialect = &dialect{
	name: "sqlite",
	evidenceJSON: `(SELECT json_group_array(json_object('kind', kind, 'label', label, 'value', value,
	'unit', unit, 'url', url, 'source', source)) FROM (SELECT * FROM evidence WHERE pitch_id = p.id ORDER BY position))`,
	ftsMatch: "p.id IN (SELECT rowid FROM pitches_fts WHERE pitches_fts MATCH ?)",
	ftsQuery: func(words []string) string {
		for i, w := range words {
			words[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		}
		words[len(words)-1] += "*"
		return strings.Join(words, " ")
	},
	ftsInsert: func(n int) string {
		return `INSERT INTO pitches_fts (rowid, title, status_quo, better_way) VALUES (?, ?, ?, ?)` +
			strings.Repeat(`, (?, ?, ?, ?)`, n-1)
	},
	idsIn:     `SELECT value FROM json_each(?)`,
	like:      "LIKE",
	unindexed: "+",
}

var postgresDialect = &dialect{
	name:     "postgres",
	numbered: true,
	evidenceJSON: `(SELECT coalesce(json_agg(json_build_object('kind', kind, 'label', label, 'value', value,
	'unit', unit, 'url', url, 'source', source) ORDER BY position), '[]') FROM evidence WHERE pitch_id = p.id)`,
	// The simple configuration keeps words as written, in lower case, as
	// SQLite's tokenizer does; to_tsquery (rather than websearch_to_tsquery)
	// because the last word is a prefix, as it is typed.
	ftsMatch: "p.id IN (SELECT rowid FROM pitches_fts WHERE doc @@ to_tsquery('simple', ?))",
	ftsQuery: func(words []string) string {
		for i, w := range words {
			w = strings.ReplaceAll(w, `\`, `\\`)
			words[i] = `'` + strings.ReplaceAll(w, `'`, `''`) + `'`
		}
		words[len(words)-1] += ":*"
		return strings.Join(words, " & ")
	},
	ftsInsert: func(n int) string {
		const row = `(?, to_tsvector('simple', ? || ' ' || ? || ' ' || ?))`
		return `INSERT INTO pitches_fts (rowid, doc) VALUES ` + row + strings.Repeat(`, `+row, n-1)
	},
	idsIn: `SELECT value::bigint FROM jsonb_array_elements_text(?::jsonb)`,
	like:  "ILIKE",
}

func init() {
	for _, d := range []*dialect{sqliteDialect, postgresDialect} {
		d.pitchCols = pitchColumns + d.evidenceJSON
	}
}

// castID is how an id parameter is written where its type cannot be told
// from the query (the first row of a recursion, a value selected into an
// insert): PostgreSQL needs the cast; SQLite reads it as a bare parameter,
// as its planner walks a recursion from a cast parameter a good deal
// slower (a fifth of its pitches published a second).
const castID = "CAST(? AS BIGINT)"

// sql returns q in the dialect's placeholders. Question marks inside
// quoted strings and identifiers are left alone.
func (d *dialect) sql(q string) string {
	if !d.numbered {
		if strings.Contains(q, castID) {
			return strings.ReplaceAll(q, castID, "?")
		}
		return q
	}
	if strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// args returns the arguments as the dialect's driver takes them: flags
// are kept as 0 or 1 in both databases, and pgx, unlike SQLite's driver,
// does not turn a bool into an integer.
func (d *dialect) args(args []any) []any {
	if !d.numbered {
		return args
	}
	for i, a := range args {
		if b, ok := a.(bool); ok {
			if b {
				args[i] = int64(1)
			} else {
				args[i] = int64(0)
			}
		}
	}
	return args
}
