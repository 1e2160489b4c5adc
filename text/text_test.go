package text

import (
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
)

func TestLineAndBlock(t *testing.T) {
	tests := []struct {
		name      string
		multiline bool
		in        string
		min, max  int
		want      string
		err       bool
	}{
		{"trimmed", false, "  hello ", 1, 10, "hello", false},
		{"required", false, "   ", 1, 10, "", true},
		{"optional", false, "", 0, 10, "", false},
		{"too long in characters", false, strings.Repeat("é", 11), 1, 10, "", true},
		{"multibyte within bounds", false, strings.Repeat("é", 10), 1, 10, strings.Repeat("é", 10), false},
		{"newline in a line", false, "a\nb", 1, 10, "", true},
		{"newline in a block", true, "a\nb", 1, 10, "a\nb", false},
		{"control character", true, "a\x07b", 1, 10, "", true},
		{"invalid UTF-8", true, "a\xffb", 1, 10, "", true},
		{"markup is kept as typed", true, "<script>x</script>", 1, 100, "<script>x</script>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Line
			if tt.multiline {
				f = Block
			}
			got, err := f("field", tt.in, tt.min, tt.max)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("got %q, %v", got, err)
			}
			if e, ok := wayfare.AsError(err); err != nil && (!ok || e.Field != "field") {
				t.Fatalf("error must name the field: %v", err)
			}
		})
	}
}
