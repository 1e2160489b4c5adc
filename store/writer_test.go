package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestBatchKeepsEachRequestWhole runs a batch by hand in which one request
// writes and then fails: its write must vanish, the others' must stay,
// and each must get its own answer.
func TestBatchKeepsEachRequestWhole(t *testing.T) {
	db := openTest(t)
	setting := func(key string) func(*Tx) error {
		return func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, 'x')`, key)
			return err
		}
	}
	boom := errors.New("refused")
	req := func(fn func(*Tx) error) *writeReq {
		return &writeReq{ctx: context.Background(), fn: fn, done: make(chan struct{})}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	batch := []*writeReq{
		req(setting("a")),
		req(func(tx *Tx) error {
			if err := setting("half")(tx); err != nil {
				return err
			}
			return boom
		}),
		req(func(tx *Tx) error { panic("bug") }),
		{ctx: cancelled, fn: setting("never"), done: make(chan struct{})},
		req(setting("b")),
	}
	before := db.Version()
	db.commit(batch)
	if batch[0].err != nil || batch[4].err != nil {
		t.Fatalf("good requests failed: %v, %v", batch[0].err, batch[4].err)
	}
	if !errors.Is(batch[1].err, boom) || wayfare.ErrorCode(batch[2].err) != wayfare.EINTERNAL || !errors.Is(batch[3].err, context.Canceled) {
		t.Fatalf("errors: %v, %v, %v", batch[1].err, batch[2].err, batch[3].err)
	}
	for _, r := range batch {
		select {
		case <-r.done:
		default:
			t.Fatal("a request was not answered")
		}
	}
	rows, err := db.read.Query(`SELECT key FROM settings ORDER BY key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) != 2 || keys[0] != "a" || keys[1] != "b" {
		t.Fatalf("committed %v, want [a b]", keys)
	}
	if db.Version() != before+1 {
		t.Fatalf("version moved by %d, want one commit", db.Version()-before)
	}
}

// TestStatementsArePreparedOnce checks that the writer prepares a
// statement after its first batch and reuses it afterwards.
func TestStatementsArePreparedOnce(t *testing.T) {
	db := openTest(t)
	q := `INSERT INTO settings (key, value) VALUES (?, 'x')`
	for _, key := range []string{"one", "two"} {
		err := db.update(context.Background(), func(tx *Tx) error {
			_, err := tx.exec(q, key)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if db.wstmts.prepared[q] == nil {
			t.Fatalf("after %q the statement is not prepared", key)
		}
	}
}

// TestWALStaysBounded writes without pause and checks that the WAL file
// stays near its bound instead of growing with the writes.
func TestWALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes for a few seconds")
	}
	db := openTest(t)
	payload := strings.Repeat("x", 3000) // about one page a row
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Minute) // a bound; the goal is the volume
	rows := int64(4 * journalLimit / 3000)
	var n atomic.Int64
	for range 16 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				i := n.Add(1)
				if i > rows {
					return
				}
				err := db.update(context.Background(), func(tx *Tx) error {
					_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, strconv.FormatInt(i, 10), payload)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	fi, err := os.Stat(db.path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	written := min(n.Load(), rows) * 3000
	if written < 3*journalLimit {
		t.Fatalf("wrote only %d MB: not enough to tell", written>>20)
	}
	if fi.Size() > journalLimit+2*walFrames*4200 { // the bound, and what a checkpoint tick lets through
		t.Fatalf("WAL is %d MB after writing %d MB; restarts: %d", fi.Size()>>20, written>>20, db.stats.Restarts.Load())
	}
	t.Logf("wrote %d MB; WAL %d MB; %d restarts", written>>20, fi.Size()>>20, db.stats.Restarts.Load())
}

// TestWritesDuringCloseAreAnswered writes from many goroutines while the
// store closes: every write returns, done or refused, and none hangs.
func TestWritesDuringCloseAreAnswered(t *testing.T) {
	db, err := Open(context.Background(), Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			err := db.update(context.Background(), func(tx *Tx) error {
				_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, 'x')`, strconv.Itoa(i))
				return err
			})
			if err != nil && wayfare.ErrorCode(err) != wayfare.EUNAVAILABLE {
				t.Error(err)
			}
		})
	}
	db.Close()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("writes hang after Close")
	}
}
