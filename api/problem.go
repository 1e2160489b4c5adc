package api

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/wayfare-org/wayfare"
)

// Problem is an RFC 9457 problem detail. Field names the input at fault;
// Rule names the product rule that refused the request.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	Rule   string `json:"rule,omitempty"`
	// Errors lists every field at fault when there are several, the
	// first (Field) among them.
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem is one field at fault in a problem that names several.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// statusOf is the one place that maps error codes to HTTP statuses.
var statusOf = map[string]int{
	wayfare.EINVALID:      http.StatusBadRequest,
	wayfare.EUNAUTHORIZED: http.StatusUnauthorized,
	wayfare.EFORBIDDEN:    http.StatusForbidden,
	wayfare.ENOTFOUND:     http.StatusNotFound,
	wayfare.ECONFLICT:     http.StatusConflict,
	wayfare.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	wayfare.EUNAVAILABLE:  http.StatusServiceUnavailable,
	wayfare.EINTERNAL:     http.StatusInternalServerError,
}

// writeError answers with the problem that err describes. Errors that are
// not *wayfare.Error are logged and answered as a plain internal error.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e, ok := wayfare.AsError(err)
	if !ok {
		if r.Context().Err() != nil {
			e = wayfare.Errorf(wayfare.EUNAVAILABLE, "the request was cancelled")
		} else {
			log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			e = wayfare.Errorf(wayfare.EINTERNAL, "internal error")
		}
	}
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	p := Problem{Type: "https://wayfare.invalid/problems/" + e.Code, Title: http.StatusText(status), Status: status,
		Detail: e.Message, Code: e.Code, Field: e.Field, Rule: e.Rule}
	if e.Field != "" {
		p.Detail = e.Field + " " + e.Message
	}
	if len(e.More) > 0 {
		for _, f := range e.All() {
			p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Detail: f.Field + " " + f.Message})
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wayfare"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}
