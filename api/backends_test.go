package api_test

import (
	"testing"

	"github.com/wayfare-org/wayfare/store/pgtest"
)

// TestMain runs the package's tests on SQLite, then on PostgreSQL.
func TestMain(m *testing.M) { pgtest.MainBoth(m) }
