package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wayfare-org/wayfare"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// readObject reads a request's body: at most MaxBody bytes of valid
// UTF-8 holding one JSON object, whose members it returns.
func readObject(r *http.Request) (object, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return nil, invalid("invalidSyntax", "the body could not be read")
	}
	if len(body) > MaxBody {
		return nil, &problem{status: http.StatusRequestEntityTooLarge, detail: "the body is larger than 1 MiB"}
	}
	if !utf8.Valid(body) {
		return nil, invalid("invalidSyntax", "the body is not valid UTF-8")
	}
	return decodeObject("the body", body)
}

// object is a JSON object's members by name, as sent.
type object map[string]json.RawMessage

// decodeObject reads one JSON object; what names it in errors.
func decodeObject(what string, b []byte) (object, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, invalid("invalidSyntax", "%s is empty: a JSON object is required", what)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var o object
	if err := dec.Decode(&o); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, invalid("invalidSyntax", "%s is not valid JSON (at byte %d)", what, syn.Offset)
		}
		return nil, invalid("invalidSyntax", "%s must be a JSON object", what)
	}
	if o == nil {
		return nil, invalid("invalidSyntax", "%s must be a JSON object", what)
	}
	if dec.More() {
		return nil, invalid("invalidSyntax", "%s must hold one JSON object only", what)
	}
	return o, nil
}

// keys returns the object's member names in order, so that a body is
// applied the same way every time.
func (o object) keys() []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// stringValue reads a string attribute; null is the empty string.
func stringValue(attr string, v json.RawMessage) (string, error) {
	var s *string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", invalid("invalidValue", "%s must be a string", attr)
	}
	if s == nil {
		return "", nil
	}
	return *s, nil
}

// boolValue reads a boolean attribute. Entra ID sends "True" and "False"
// as strings: they are read as the booleans they mean.
func boolValue(attr string, v json.RawMessage) (bool, error) {
	var b bool
	if err := json.Unmarshal(v, &b); err == nil {
		return b, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, invalid("invalidValue", "%s must be true or false", attr)
}

// objectValue reads an attribute that must be a JSON object.
func objectValue(attr string, v json.RawMessage) (object, error) {
	var o object
	if err := json.Unmarshal(v, &o); err != nil || o == nil {
		return nil, invalid("invalidValue", "%s must be an object", attr)
	}
	return o, nil
}

// refValues reads a multi-valued reference such as members: an array of
// {"value": "<id>"} (a single such object is taken as an array of one).
func refValues(attr string, v json.RawMessage) ([]string, error) {
	type ref struct {
		Value *string `json:"value"`
	}
	var refs []ref
	if err := json.Unmarshal(v, &refs); err != nil {
		var one ref
		if err := json.Unmarshal(v, &one); err != nil {
			return nil, invalid("invalidValue", "%s must be a list of {\"value\": id}", attr)
		}
		refs = []ref{one}
	}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		if r.Value == nil {
			return nil, invalid("invalidValue", "%s: every item needs a value, the id it names", attr)
		}
		out = append(out, *r.Value)
	}
	return out, nil
}

// pathID reads the id in a resource's path; an id that cannot be one
// names nothing (404), as SCIM ids are opaque.
func pathID(r *http.Request, kind string) (wayfare.ID, error) {
	id, err := wayfare.ParseID(r.PathValue("id"))
	if err != nil {
		return 0, wayfare.NotFound(kind)
	}
	return id, nil
}
