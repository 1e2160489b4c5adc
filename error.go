package wayfare

import (
	"errors"
	"fmt"
)

// Error codes. One place (api) maps them to HTTP statuses.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a field rule
	EUNAUTHORIZED = "unauthorized" // nobody is signed in, or the token is wrong
	EFORBIDDEN    = "forbidden"    // a rule of the product says no
	ENOTFOUND     = "not_found"    // no such thing
	ECONFLICT     = "conflict"     // the state does not allow it now
	ETOOLARGE     = "too_large"    // the body is too large
	EINTERNAL     = "internal"     // a fault of ours
	EUNAVAILABLE  = "unavailable"  // shutting down or overloaded
)

// Error is the error every Wayfare service returns for expected failures.
// Field names the input field at fault; Rule names the product rule that
// refused the call (for example "only-management-decides").
type Error struct {
	Code    string
	Message string
	Field   string
	Rule    string
	// More are the input's other field errors when it had several, so
	// that a form shows them all at once, each next to its field.
	More []*Error
}

// All returns the field errors an EINVALID error names: itself first,
// then the others of the same input.
func (e *Error) All() []*Error {
	return append([]*Error{e}, e.More...)
}

// Fields collects the field errors of one input, to tell them all at
// once rather than the first alone.
type Fields []*Error

// Add keeps err when it is a field error and reports whether err was nil
// or kept; any other error is the caller's to return. A field keeps the
// first error told of it.
func (f *Fields) Add(err error) bool {
	if err == nil {
		return true
	}
	e, ok := AsError(err)
	if !ok || e.Code != EINVALID || e.Field == "" {
		return false
	}
	for _, n := range e.All() {
		if !f.Has(n.Field) {
			*f = append(*f, n)
		}
	}
	return true
}

// Has reports whether an error about field was kept.
func (f Fields) Has(field string) bool {
	for _, e := range f {
		if e.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when no error was kept, else the first with the others
// in More.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	first := *f[0]
	first.More = append([]*Error(nil), f[1:]...)
	return &first
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s = e.Code + ": " + e.Field + " " + e.Message
	}
	return s
}

// Errorf returns an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that names the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Forbidden returns an EFORBIDDEN error naming the rule that refused.
func Forbidden(rule, format string, args ...any) *Error {
	return &Error{Code: EFORBIDDEN, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Conflict returns an ECONFLICT error naming the rule at stake.
func Conflict(rule, format string, args ...any) *Error {
	return &Error{Code: ECONFLICT, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns an ENOTFOUND error for a kind of thing.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found"}
}

// ErrorCode returns the code of err, EINTERNAL when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
