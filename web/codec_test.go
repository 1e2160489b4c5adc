package web

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.UnixMicro(time.Now().Add(14 * 24 * time.Hour).UnixMicro())
	for _, values := range []map[string]any{
		{},
		{"person_id": int64(42)},
		{"person_id": int64(-1 << 62), "flash": "Ticket bought: you are persuaded — and coming along. ✓"},
		{"flash": ""},
	} {
		b, err := sessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		d, got, err := sessionCodec{}.Decode(b)
		if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, values) {
			t.Errorf("%v: decoded %v %v, %v", values, d, got, err)
		}
		for i := 1; i < len(b); i++ { // every cut of the data is refused, never misread
			if _, got, err := (sessionCodec{}).Decode(b[:i]); err == nil && len(got) == len(values) {
				t.Errorf("%v cut at %d of %d decoded as %v", values, i, len(b), got)
			}
		}
	}
	// Sessions written with gob before are still read.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{"person_id": int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if d, got, err := (sessionCodec{}).Decode(old); err != nil || !d.Equal(deadline) || got["person_id"] != int64(7) {
		t.Errorf("a gob session: %v %v %v", d, got, err)
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"x": 1.5}); !errors.Is(err, errSessionValue) {
		t.Errorf("a float must be refused, got %v", err)
	}
}
