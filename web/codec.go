package web

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes a session's values, which are only ever strings and
// 64-bit integers, in a few bytes: a version byte, the deadline in Unix
// microseconds, then for each value its kind, its key and the value. Every
// page decodes its reader's session, and gob, scs's default, compiles a
// decoder each time. Sessions written by gob before are still read.
type sessionCodec struct{}

const (
	codecVersion = 0xA1 // never the first byte of a gob stream of scs's
	kindString   = 's'
	kindInt64    = 'i'
)

var errSessionValue = errors.New("web: session values must be strings or int64")

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := make([]byte, 0, 32)
	b = append(b, codecVersion)
	b = binary.AppendVarint(b, deadline.UnixMicro())
	for k, v := range values {
		switch v := v.(type) {
		case string:
			b = append(b, kindString)
			b = appendString(b, k)
			b = appendString(b, v)
		case int64:
			b = append(b, kindInt64)
			b = appendString(b, k)
			b = binary.AppendVarint(b, v)
		default:
			return nil, fmt.Errorf("%w: %q is a %T", errSessionValue, k, v)
		}
	}
	return b, nil
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return scs.GobCodec{}.Decode(b)
	}
	bad := errors.New("web: a session's data is damaged")
	b = b[1:]
	micros, n := binary.Varint(b)
	if n <= 0 {
		return time.Time{}, nil, bad
	}
	b = b[n:]
	values := make(map[string]any, 2)
	for len(b) > 0 {
		kind := b[0]
		k, rest, ok := readString(b[1:])
		if !ok {
			return time.Time{}, nil, bad
		}
		switch kind {
		case kindString:
			var v string
			if v, rest, ok = readString(rest); !ok {
				return time.Time{}, nil, bad
			}
			values[k] = v
		case kindInt64:
			v, n := binary.Varint(rest)
			if n <= 0 {
				return time.Time{}, nil, bad
			}
			values[k], rest = v, rest[n:]
		default:
			return time.Time{}, nil, bad
		}
		b = rest
	}
	return time.UnixMicro(micros), values, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func readString(b []byte) (string, []byte, bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return "", nil, false
	}
	return string(b[k : k+int(n)]), b[k+int(n):], true
}
