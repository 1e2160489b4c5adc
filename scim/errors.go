package scim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/wayfare-org/wayfare"
)

// The URNs of the messages and resources provisioning speaks.
const (
	userSchema       = "urn:ietf:params:scim:schemas:core:2.0:User"
	enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	groupSchema      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	listSchema       = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	patchSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	errorSchema      = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// contentType is SCIM's media type (RFC 7644 §8.1).
const contentType = "application/scim+json"

// problem is a refusal of this package's own, with SCIM's status and
// scimType (RFC 7644 §3.12).
type problem struct {
	status   int
	scimType string
	detail   string
}

func (p *problem) Error() string { return p.detail }

// invalid returns a 400 of a scimType: invalidSyntax, invalidFilter,
// invalidPath, invalidValue.
func invalid(scimType, format string, args ...any) *problem {
	return &problem{status: http.StatusBadRequest, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

// attributes names, in SCIM's terms, the fields the domain names.
var attributes = map[string]string{
	"email":       "userName",
	"name":        "displayName",
	"title":       "title",
	"manager_id":  "manager",
	"external_id": "externalId",
	"given_name":  "name.givenName",
	"family_name": "name.familyName",
	"members":     "members",
}

// statusOf is the one place that maps the domain's error codes to
// provisioning's statuses.
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

// problemOf turns any error into the problem answered: the domain's
// errors name SCIM's attributes, a taken e-mail address or group name is
// a 409 uniqueness, and errors that are not the domain's are logged and
// answered as an internal error.
func (s *Server) problemOf(r *http.Request, err error) *problem {
	if p, ok := err.(*problem); ok {
		return p
	}
	e, ok := wayfare.AsError(err)
	if !ok {
		if r.Context().Err() != nil {
			return &problem{status: http.StatusServiceUnavailable, detail: "the request was cancelled"}
		}
		s.log.Error("provisioning request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return &problem{status: http.StatusInternalServerError, detail: "internal error"}
	}
	p := &problem{status: statusOf[e.Code], detail: e.Message}
	if p.status == 0 {
		p.status = http.StatusInternalServerError
	}
	if e.Field != "" {
		attr, ok := attributes[e.Field]
		if !ok {
			attr = e.Field
		}
		p.detail = attr + " " + e.Message
	}
	switch {
	case e.Code == wayfare.EINVALID:
		p.scimType = "invalidValue"
	case e.Code == wayfare.ECONFLICT && (e.Field == "email" || e.Field == "name"):
		p.scimType = "uniqueness"
	}
	return p
}

// writeError answers err in SCIM's error schema.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemOf(r, err)
	if p.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wayfare-scim"`)
	}
	s.write(w, p.status, struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType,omitempty"`
		Detail   string   `json:"detail"`
	}{[]string{errorSchema}, strconv.Itoa(p.status), p.scimType, p.detail})
}

// write answers v as SCIM JSON.
func (s *Server) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.log.Debug("provisioning answer not written", "err", err)
	}
}
