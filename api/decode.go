package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// decode reads a JSON body strictly into v: at most MaxBody bytes, valid
// UTF-8, one object, no unknown fields, the right types. Errors name the
// field at fault.
func decode(r *http.Request, v any) error { return decodeBody(r, v, false) }

// decodeOptional is decode for bodies that may be left out entirely.
func decodeOptional(r *http.Request, v any) error { return decodeBody(r, v, true) }

func decodeBody(r *http.Request, v any, optional bool) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return wayfare.FieldError("body", "could not be read")
	}
	if len(body) > MaxBody {
		return &wayfare.Error{Code: wayfare.ETOOLARGE, Field: "body", Message: "is larger than 1 MiB"}
	}
	if !utf8.Valid(body) {
		return wayfare.FieldError("body", "is not valid UTF-8")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return wayfare.FieldError("body", "is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return wayfare.FieldError("body", "must hold one JSON object only")
	}
	return nil
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var we *wayfare.Error
	switch {
	case errors.As(err, &syn):
		return wayfare.FieldError("body", "is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return wayfare.FieldError(field, "must be %s", jsonType(typ.Type.String()))
	case errors.As(err, &we):
		if we.Field == "" {
			we.Field = "body"
		}
		return we
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return wayfare.FieldError(name, "is not a known field")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return wayfare.FieldError("body", "is not complete JSON")
	}
	return wayfare.FieldError("body", "is not valid: %v", err)
}

func jsonType(goType string) string {
	switch {
	case goType == "wayfare.ID", goType == "*wayfare.ID":
		return "a string holding an id"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case goType == "string", strings.HasSuffix(goType, ".Kind"), strings.HasSuffix(goType, "Status"),
		strings.HasSuffix(goType, ".Outcome"), strings.HasSuffix(goType, ".Method"), strings.HasSuffix(goType, ".Role"),
		strings.HasSuffix(goType, ".Phase"), strings.HasSuffix(goType, ".RoundMethod"), strings.HasSuffix(goType, ".Choice"),
		strings.HasSuffix(goType, ".Confidence"), strings.HasSuffix(goType, "EvidenceKind"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "time.Time"):
		return "an RFC 3339 time"
	}
	return "an object"
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte{'\n'})
}

// pathID reads the id of a kind of thing from the path; an id that
// cannot be one is answered as not found.
func pathID(r *http.Request, name, kind string) (wayfare.ID, error) {
	id, err := wayfare.ParseID(r.PathValue(name))
	if err != nil {
		return 0, wayfare.NotFound(kind)
	}
	return id, nil
}

// queryID reads an optional id from the query string.
func queryID(r *http.Request, name string) (wayfare.ID, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := wayfare.ParseID(s)
	if err != nil {
		return 0, wayfare.FieldError(name, "is not a valid id")
	}
	return id, nil
}

// page reads limit and cursor.
func page(r *http.Request) (wayfare.Page, error) {
	var p wayfare.Page
	q := r.URL.Query()
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > wayfare.MaxLimit {
			return p, wayfare.FieldError("limit", "must be a whole number from 1 to %d", wayfare.MaxLimit)
		}
		p.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		id, err := decodeCursor(s)
		if err != nil {
			return p, wayfare.FieldError("cursor", "is not a cursor this server gave")
		}
		p.Cursor = id
	}
	return p.Normalize(), nil
}

// List is the shape of every list answer. An empty list is written as
// "items": [], never null, however it was built.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// listJSON is List without its MarshalJSON method.
type listJSON[T any] List[T]

// MarshalJSON writes the list with its items as an array, empty when
// there are none.
func (l List[T]) MarshalJSON() ([]byte, error) {
	if l.Items == nil {
		l.Items = []T{}
	}
	return json.Marshal(listJSON[T](l))
}

// list builds a page from items fetched with p.Peek(): a next cursor only
// when more items follow.
func list[T any](items []T, p wayfare.Page, idOf func(T) wayfare.ID) List[T] {
	if len(items) <= p.Limit {
		return List[T]{Items: items}
	}
	items = items[:p.Limit]
	return List[T]{Items: items, NextCursor: encodeCursor(idOf(items[len(items)-1]))}
}
