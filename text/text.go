// Package text validates the text fields people type: valid UTF-8, no
// control characters, trimmed, within length bounds. Text is stored as
// typed; rendering escapes it.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
)

// Line validates a single-line field of between min and max characters.
func Line(field, s string, min, max int) (string, error) {
	return check(field, s, min, max, false)
}

// Block validates a multi-line field of between min and max characters.
func Block(field, s string, min, max int) (string, error) {
	return check(field, s, min, max, true)
}

func check(field, s string, min, max int, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", wayfare.FieldError(field, "is not valid UTF-8")
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r == '\n' || r == '\t' || r == '\r' {
			if multiline || r == '\t' {
				continue
			}
			return "", wayfare.FieldError(field, "must be a single line")
		}
		if unicode.IsControl(r) {
			return "", wayfare.FieldError(field, "contains a control character")
		}
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if n == 0 {
			return "", wayfare.FieldError(field, "is required")
		}
		return "", wayfare.FieldError(field, "must be at least %d characters", min)
	}
	if n > max {
		return "", wayfare.FieldError(field, "must be at most %d characters", max)
	}
	return s, nil
}
