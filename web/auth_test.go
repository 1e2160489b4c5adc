package web

import "testing"

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/pitches/12", "/pitches/12"},
		{"/search?q=a%2Fb", "/search?q=a%2Fb"},
		{"/", "/"},
		{"", "/"},
		{"pitches/12", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/%2F/evil.example", "/"}, // harmless, but refused: nothing of ours starts so
		{"/\x7f", "/"},
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}
