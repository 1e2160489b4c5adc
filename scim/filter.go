package scim

import (
	"encoding/json"
	"strings"
)

// Attribute paths and filters (RFC 7644 §3.4.2.2 and §3.10), as far as
// identity providers use them: a path names an attribute, maybe in a
// schema, maybe with a filter on its values and a sub-attribute; a filter
// is comparisons with eq joined by and. Attribute names are
// case-insensitive, so they are kept in lower case.

// attrPath is an attribute path.
type attrPath struct {
	schema string // the schema's URN in lower case, when the path names one
	attr   string // "" when the path is the schema itself
	filter string // between [ and ], as sent
	sub    string
}

// knownSchemas are the schemas a path may name, in lower case: the
// enterprise extension, then the core schemas.
var knownSchemas = []string{strings.ToLower(enterpriseSchema), strings.ToLower(userSchema), strings.ToLower(groupSchema)}

// parsePath reads an attribute path.
func parsePath(s string) (attrPath, error) {
	var p attrPath
	rest := strings.TrimSpace(s)
	lower := strings.ToLower(rest)
	for _, urn := range knownSchemas {
		if lower == urn {
			return attrPath{schema: urn}, nil
		}
		if strings.HasPrefix(lower, urn+":") {
			p.schema, rest = urn, rest[len(urn)+1:]
			break
		}
	}
	if p.schema == "" && strings.HasPrefix(lower, "urn:") {
		// A schema of someone else's: its attributes are none of ours.
		i := strings.LastIndex(rest, ":")
		p.schema, rest = lower[:i], rest[i+1:]
	}
	name, after := rest, ""
	if i := strings.IndexAny(rest, "[."); i >= 0 {
		name, after = rest[:i], rest[i:]
	}
	if strings.HasPrefix(after, "[") {
		end := closing(after)
		if end < 0 {
			return p, invalid("invalidPath", "%q has a [ without its ]", s)
		}
		p.filter, after = after[1:end], after[end+1:]
	}
	if strings.HasPrefix(after, ".") {
		p.sub, after = after[1:], ""
	}
	p.attr, p.sub = strings.ToLower(name), strings.ToLower(p.sub)
	if !isName(p.attr) || (p.sub != "" && !isName(p.sub)) || after != "" {
		return p, invalid("invalidPath", "%q is not an attribute path", s)
	}
	return p, nil
}

// key names what a path points at, whatever its case, schema prefix and
// value filter: "username", "name.givenname", "enterprise:manager".
func (p attrPath) key() string {
	k := p.attr
	if p.sub != "" {
		k += "." + p.sub
	}
	switch p.schema {
	case "", knownSchemas[1], knownSchemas[2]:
		return k
	case knownSchemas[0]:
		return "enterprise:" + k
	}
	return p.schema + ":" + k
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '$') {
			return false
		}
	}
	return true
}

// closing returns the index of the ] that closes the [ that s starts
// with, past quoted strings, or -1.
func closing(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch {
		case quoted && s[i] == '\\':
			i++
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == ']':
			return i
		}
	}
	return -1
}

// comparison is one "attribute eq value" of a filter. attr is a path's
// key; value is a string or a bool.
type comparison struct {
	attr  string
	value any
}

// parseFilter reads a filter of comparisons joined by and: what Okta
// and Entra ID send. "members[value eq "x"]" reads as members.value eq
// "x". Anything else is refused as invalidFilter.
func parseFilter(s string) ([]comparison, error) {
	l := &lexer{s: s}
	var out []comparison
	for {
		l.space()
		word := l.word()
		if word == "" {
			return nil, invalid("invalidFilter", "the filter %q lacks an attribute at %d", s, l.i+1)
		}
		if l.peek() == '[' {
			cs, err := l.valueFilter(word)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		} else {
			c, err := l.comparison(word)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		l.space()
		if l.done() {
			return out, nil
		}
		if w := l.word(); !strings.EqualFold(w, "and") {
			return nil, invalid("invalidFilter", "only and may join comparisons in a filter, not %q", w)
		}
	}
}

// lexer reads a filter from left to right.
type lexer struct {
	s string
	i int
}

func (l *lexer) done() bool { return l.i >= len(l.s) }

func (l *lexer) peek() byte {
	if l.done() {
		return 0
	}
	return l.s[l.i]
}

func (l *lexer) space() {
	for !l.done() && l.s[l.i] == ' ' {
		l.i++
	}
}

// word reads up to a space, a [ or the end.
func (l *lexer) word() string {
	start := l.i
	for !l.done() && l.s[l.i] != ' ' && l.s[l.i] != '[' {
		l.i++
	}
	return l.s[start:l.i]
}

// comparison reads "eq value" after an attribute.
func (l *lexer) comparison(path string) (comparison, error) {
	p, err := parsePath(path)
	if err != nil || p.filter != "" {
		return comparison{}, invalid("invalidFilter", "%q is not an attribute a filter can compare", path)
	}
	l.space()
	if op := l.word(); !strings.EqualFold(op, "eq") {
		return comparison{}, invalid("invalidFilter", "only eq is supported in filters, not %q", op)
	}
	l.space()
	v, err := l.value()
	return comparison{attr: p.key(), value: v}, err
}

// valueFilter reads "[filter]" after a multi-valued attribute: its
// comparisons apply to the attribute's sub-attributes.
func (l *lexer) valueFilter(path string) ([]comparison, error) {
	end := closing(l.s[l.i:])
	if end < 0 {
		return nil, invalid("invalidFilter", "the filter %q has a [ without its ]", l.s)
	}
	inner := l.s[l.i+1 : l.i+end]
	l.i += end + 1
	if !l.done() && l.peek() != ' ' {
		return nil, invalid("invalidFilter", "the filter %q goes on after ]", l.s)
	}
	p, err := parsePath(path)
	if err != nil || p.sub != "" || p.filter != "" {
		return nil, invalid("invalidFilter", "%q is not an attribute a filter can compare", path)
	}
	cs, err := parseFilter(inner)
	for i := range cs {
		cs[i].attr = p.key() + "." + cs[i].attr
	}
	return cs, err
}

// value reads a quoted string, true or false.
func (l *lexer) value() (any, error) {
	if l.peek() != '"' {
		switch w := l.word(); w {
		case "true", "false":
			return w == "true", nil
		default:
			return nil, invalid("invalidFilter", "a filter compares with a quoted string, true or false, not %q", w)
		}
	}
	start := l.i
	for l.i++; !l.done() && l.s[l.i] != '"'; l.i++ {
		if l.s[l.i] == '\\' {
			l.i++
		}
	}
	if l.done() {
		return nil, invalid("invalidFilter", "the filter %q has a string without its closing quote", l.s)
	}
	l.i++
	var v string
	if err := json.Unmarshal([]byte(l.s[start:l.i]), &v); err != nil {
		return nil, invalid("invalidFilter", "the filter %q has a string that cannot be read", l.s)
	}
	return v, nil
}
