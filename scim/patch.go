package scim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// operation is one operation of a PATCH (RFC 7644 §3.5.2): op in lower
// case (Entra ID sends "Replace"), the path ("" for a value holding
// attributes by name), the value as sent.
type operation struct {
	op    string
	path  string
	value json.RawMessage
}

// readPatch reads a PATCH body: {"schemas": [PatchOp], "Operations":
// [{"op", "path", "value"}]}, its member names in any case.
func readPatch(r *http.Request) ([]operation, error) {
	body, err := readObject(r)
	if err != nil {
		return nil, err
	}
	var raw []object
	for _, k := range body.keys() {
		if strings.EqualFold(k, "Operations") {
			if err := json.Unmarshal(body[k], &raw); err != nil {
				return nil, invalid("invalidSyntax", "Operations must be a list of operations")
			}
		}
	}
	if len(raw) == 0 {
		return nil, invalid("invalidSyntax", "Operations is required: a list of operations")
	}
	ops := make([]operation, 0, len(raw))
	for i, o := range raw {
		op, err := readOperation(o)
		if err != nil {
			return nil, invalid("invalidSyntax", "Operations[%d]: %v", i, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func readOperation(o object) (operation, error) {
	var op operation
	for _, k := range o.keys() {
		var err error
		switch strings.ToLower(k) {
		case "op":
			op.op, err = stringValue("op", o[k])
			op.op = strings.ToLower(op.op)
		case "path":
			op.path, err = stringValue("path", o[k])
		case "value":
			if string(o[k]) != "null" {
				op.value = o[k]
			}
		}
		if err != nil {
			return op, err
		}
	}
	switch {
	case op.op != "add" && op.op != "replace" && op.op != "remove":
		return op, invalid("invalidSyntax", "op must be add, replace or remove")
	case op.op == "remove" && op.path == "":
		return op, invalid("invalidSyntax", "remove needs a path")
	case op.op != "remove" && op.value == nil:
		return op, invalid("invalidSyntax", "%s needs a value", op.op)
	}
	return op, nil
}
