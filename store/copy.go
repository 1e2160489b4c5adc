package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wayfare-org/wayfare"
)

// An organization moves between databases table by table, every column
// of every row as it is, ids included: both dialects have the same tables
// and columns (a test compares them), so the tables are listed once, from
// the schema itself, and no table is forgotten when one is added. The
// full-text index is each dialect's own and is built again; the migrations
// record is each database's own.

// TableSum is a table's count of rows and a checksum of their contents,
// the same for the same rows whichever database holds them.
type TableSum struct {
	Table    string `json:"table"`
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// tableColumn is a column and the kind of value it holds.
type tableColumn struct {
	name string
	kind string // integer, text, blob, real
}

// tables lists the tables an organization is made of, with their
// columns, in name order, as this database has them.
func (db *DB) tables(ctx context.Context) (map[string][]tableColumn, []string, error) {
	var q string
	if db.d.numbered {
		q = `SELECT table_name, column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`
	} else {
		q = `SELECT m.name, c.name, c.type FROM sqlite_master m, pragma_table_info(m.name) c
			WHERE m.type = 'table' ORDER BY m.name, c.cid`
	}
	cols := map[string][]tableColumn{}
	err := db.each(ctx, func(r *sql.Rows) error {
		var table, name, typ string
		if err := r.Scan(&table, &name, &typ); err != nil {
			return err
		}
		if !isOrganizationTable(table) {
			return nil
		}
		kind, ok := map[string]string{"INTEGER": "integer", "TEXT": "text", "BLOB": "blob", "REAL": "real",
			"bigint": "integer", "integer": "integer", "text": "text", "bytea": "blob", "double precision": "real"}[typ]
		if !ok {
			return fmt.Errorf("store: %s.%s has a type of its own (%s)", table, name, typ)
		}
		cols[table] = append(cols[table], tableColumn{name, kind})
		return nil
	}, q)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(cols))
	for t := range cols {
		// Columns added later sit at the end in one dialect and in place in
		// the other: name order is the same in both.
		slices.SortFunc(cols[t], func(a, b tableColumn) int { return strings.Compare(a.name, b.name) })
		names = append(names, t)
	}
	slices.Sort(names)
	return cols, names, nil
}

// isOrganizationTable leaves out what is each database's own: the
// full-text index, the migrations record and SQLite's own tables.
func isOrganizationTable(name string) bool {
	return name != "schema_migrations" && name != "pitches_fts" &&
		!strings.HasPrefix(name, "pitches_fts_") && !strings.HasPrefix(name, "sqlite_")
}

// Sums returns the count and checksum of every table of the organization.
func (db *DB) Sums(ctx context.Context) ([]TableSum, error) {
	cols, names, err := db.tables(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TableSum, 0, len(names))
	for _, t := range names {
		s, err := db.sum(ctx, t, cols[t])
		if err != nil {
			return nil, fmt.Errorf("store: the checksum of %s: %w", t, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// sum reads a table and hashes each row's values, written the same way
// whichever database they come from; the row hashes, sorted, make the
// table's checksum, so that the order rows are read in does not matter.
func (db *DB) sum(ctx context.Context, table string, cols []tableColumn) (TableSum, error) {
	s := TableSum{Table: table}
	var hashes [][sha256.Size]byte
	err := eachRow(ctx, db.read, table, cols, func(vals []any) error {
		var b bytes.Buffer
		for i, v := range vals {
			writeCanonical(&b, cols[i].kind, v)
		}
		hashes = append(hashes, sha256.Sum256(b.Bytes()))
		return nil
	})
	if err != nil {
		return s, err
	}
	slices.SortFunc(hashes, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, r := range hashes {
		h.Write(r[:])
	}
	s.Rows = int64(len(hashes))
	s.Checksum = hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// querier is a database or a read transaction.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// eachRow reads every row of a table, each value in the Go type of its
// column's kind (see value).
func eachRow(ctx context.Context, db querier, table string, cols []tableColumn, fn func([]any) error) error {
	q := "SELECT "
	for i, c := range cols {
		if i > 0 {
			q += ", "
		}
		q += quoteIdent(c.name)
	}
	q += " FROM " + quoteIdent(table)
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		vals := make([]any, len(cols))
		for i, c := range cols {
			v, err := value(c.kind, raw[i])
			if err != nil {
				return fmt.Errorf("%s.%s: %w", table, c.name, err)
			}
			vals[i] = v
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// value turns what a driver scanned into the Go type of the column's
// kind: int64, string, []byte, float64, or nil.
func value(kind string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch kind {
	case "integer":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) {
				return int64(x), nil
			}
		case string:
			return strconv.ParseInt(x, 10, 64)
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		}
	case "text":
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	case "blob":
		switch x := v.(type) {
		case []byte:
			return slices.Clone(x), nil
		case string:
			return []byte(x), nil
		}
	case "real":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	}
	return nil, fmt.Errorf("a %T where a %s belongs", v, kind)
}

func writeCanonical(b *bytes.Buffer, kind string, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("n;")
	case int64:
		b.WriteString("i" + strconv.FormatInt(x, 10) + ";")
	case float64:
		b.WriteString("f" + strconv.FormatFloat(x, 'g', -1, 64) + ";")
	case string:
		b.WriteString("s" + strconv.Itoa(len(x)) + ":" + x)
	case []byte:
		b.WriteString("b" + strconv.Itoa(len(x)) + ":")
		b.Write(x)
	}
}

func quoteIdent(s string) string { return `"` + s + `"` }

// CopyTo moves the whole organization db holds into dst, a PostgreSQL
// store that holds none, in one transaction: every table, ids kept, the
// identities moved past the ids copied, the full-text index built. Then it
// compares both sides' counts and checksums, table by table, and returns
// them: an error says a table differs.
func (db *DB) CopyTo(ctx context.Context, dst *DB) ([]TableSum, error) {
	if !dst.d.numbered {
		return nil, errors.New("store: the copy goes to a PostgreSQL database")
	}
	cols, names, err := db.tables(ctx)
	if err != nil {
		return nil, err
	}
	dcols, dnames, err := dst.tables(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(names, dnames) {
		return nil, fmt.Errorf("store: the two databases have different tables (%v, %v): migrate both to the same version first", names, dnames)
	}
	var n int
	if err := dst.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM people) + (SELECT count(*) FROM acts)`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, wayfare.Errorf(wayfare.ECONFLICT, "the database copied to already holds an organization")
	}
	conn, err := dst.pg.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
		return nil, err
	}
	// The rows a migration writes (the authority version, the consumer's
	// position) come from the source instead.
	for _, t := range []string{"authority_changes", "job_positions"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
			return nil, err
		}
	}
	for _, t := range names {
		if err := sameColumns(t, cols[t], dcols[t]); err != nil {
			return nil, err
		}
		var rows [][]any
		if err := eachRow(ctx, db.read, t, cols[t], func(v []any) error { rows = append(rows, v); return nil }); err != nil {
			return nil, fmt.Errorf("store: reading %s: %w", t, err)
		}
		colNames := make([]string, len(cols[t]))
		for i, c := range cols[t] {
			colNames[i] = c.name
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t}, colNames, pgx.CopyFromRows(rows)); err != nil {
			return nil, fmt.Errorf("store: writing %s: %w", t, err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pitches_fts (rowid, doc)
		SELECT id, to_tsvector('simple', title || ' ' || status_quo || ' ' || better_way) FROM pitches`); err != nil {
		return nil, fmt.Errorf("store: the full-text index: %w", err)
	}
	idents, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return nil, err
	}
	var identity [][2]string
	for idents.Next() {
		var t, c string
		if err := idents.Scan(&t, &c); err != nil {
			return nil, err
		}
		identity = append(identity, [2]string{t, c})
	}
	if err := idents.Err(); err != nil {
		return nil, err
	}
	for _, ic := range identity {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(`+quoteIdent(ic[1])+`) FROM `+
			quoteIdent(ic[0])+`), 0) + 1, false)`, ic[0], ic[1]); err != nil {
			return nil, fmt.Errorf("store: moving the identity of %s: %w", ic[0], err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("store: the copy's commit: %w", err)
	}
	from, err := db.Sums(ctx)
	if err != nil {
		return nil, err
	}
	to, err := dst.Sums(ctx)
	if err != nil {
		return nil, err
	}
	for i := range from {
		if i >= len(to) || from[i] != to[i] {
			return from, fmt.Errorf("store: %s differs after the copy: %d rows %s…, %d rows %s…", from[i].Table,
				from[i].Rows, from[i].Checksum[:12], to[i].Rows, to[i].Checksum[:12])
		}
	}
	return from, nil
}

func sameColumns(table string, a, b []tableColumn) error {
	if len(a) != len(b) {
		return fmt.Errorf("store: %s has %d columns in one database and %d in the other", table, len(a), len(b))
	}
	for _, c := range a {
		if !slices.Contains(b, c) {
			return fmt.Errorf("store: %s.%s is not the same column in both databases", table, c.name)
		}
	}
	return nil
}

// ExportFormat names the file ExportAll writes; docs/EXPORT.md describes
// it.
const ExportFormat = "wayfare-export"

// ExportAll writes the whole organization as one JSON document: every
// table, every column of every row, read in one transaction so that the
// tables agree with each other. Integers and reals are JSON numbers,
// text is a string, binary data (token and link hashes) is base64, and a
// missing value is null. It returns the tables' counts.
func (db *DB) ExportAll(ctx context.Context, w io.Writer) ([]TableSum, error) {
	cols, names, err := db.tables(ctx)
	if err != nil {
		return nil, err
	}
	schema, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	bw := bufio.NewWriterSize(w, 64<<10)
	head, _ := json.Marshal(map[string]any{"format": ExportFormat, "version": 1, "schema": schema,
		"exported_at": db.now().UTC().Format(time.RFC3339), "database": db.d.name})
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"tables":{`)
	var out []TableSum
	for i, t := range names {
		if i > 0 {
			bw.WriteString(",")
		}
		colNames := make([]string, len(cols[t]))
		for j, c := range cols[t] {
			colNames[j] = c.name
		}
		name, _ := json.Marshal(t)
		cn, _ := json.Marshal(colNames)
		fmt.Fprintf(bw, "\n%s:{\"columns\":%s,\"rows\":[", name, cn)
		n := int64(0)
		err := eachRow(ctx, tx, t, cols[t], func(vals []any) error {
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			b, err := json.Marshal(vals) // []byte becomes base64, as documented
			if err != nil {
				return err
			}
			bw.WriteString("\n")
			_, err = bw.Write(b)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("store: exporting %s: %w", t, err)
		}
		bw.WriteString("]}")
		out = append(out, TableSum{Table: t, Rows: n})
	}
	bw.WriteString("\n}}\n")
	return out, bw.Flush()
}
