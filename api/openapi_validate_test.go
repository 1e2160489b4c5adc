package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/api"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/ledger"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
)

// specCache is api/openapi.json, loaded and validated once for all tests.
var specCache struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadSpec() (*openapi3.T, routers.Router, error) {
	specCache.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPI)
		if err != nil {
			specCache.err = fmt.Errorf("api/openapi.json does not load: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			specCache.err = fmt.Errorf("api/openapi.json is not a valid OpenAPI document: %w", err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			specCache.err = fmt.Errorf("api/openapi.json: no router: %w", err)
			return
		}
		specCache.doc, specCache.router = doc, router
	})
	return specCache.doc, specCache.router, specCache.err
}

// validateAgainstSpec wraps next so that every exchange is checked against
// api/openapi.json: the response always (problem answers included), the
// request only when the server accepted it (status < 400), since tests send
// invalid requests on purpose. Mismatches are reported with t.Errorf.
// Security is the server's own business: the request check only asks for a
// bearer header. Event streams pass through unbuffered; their events are
// checked against the Act schema once the stream ends.
func validateAgainstSpec(t testing.TB, next http.Handler) http.Handler {
	t.Helper()
	doc, router, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	v := &specValidator{t: t, doc: doc, router: router}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		var readErr error
		if r.Body != nil && r.Body != http.NoBody {
			body, readErr = io.ReadAll(r.Body)
			r.Body.Close()
			var rest io.Reader = bytes.NewReader(body)
			if readErr != nil {
				rest = io.MultiReader(rest, specErrReader{readErr})
			}
			r.Body = io.NopCloser(rest)
		}
		rec := &specRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		v.check(r, body, readErr != nil, rec)
	})
}

type specErrReader struct{ err error }

func (e specErrReader) Read([]byte) (int, error) { return 0, e.err }

// specMaxCaptured bounds how much of an event stream is kept for checking.
const specMaxCaptured = 1 << 20

// specRecorder passes the response through and keeps a copy of it.
type specRecorder struct {
	http.ResponseWriter
	status    int
	body      bytes.Buffer
	truncated bool
}

func (w *specRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *specRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if specIsEventStream(w.Header().Get("Content-Type")) && w.body.Len()+len(b) > specMaxCaptured {
		w.truncated = true
	} else {
		w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// FlushError lets http.ResponseController flush through the recorder.
func (w *specRecorder) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush implements http.Flusher.
func (w *specRecorder) Flush() { _ = w.FlushError() }

// Unwrap gives http.ResponseController the underlying writer.
func (w *specRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func specIsEventStream(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "text/event-stream"
}

type specValidator struct {
	t      testing.TB
	doc    *openapi3.T
	router routers.Router
}

func (v *specValidator) check(r *http.Request, body []byte, bodyFailed bool, rec *specRecorder) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if r.Method == http.MethodHead {
		return // answered by the GET route, without a body
	}
	fail := func(err error) {
		v.t.Errorf("openapi: %s %s → %d: %v", r.Method, r.URL.RequestURI(), status, err)
	}
	ctx := context.Background()
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	if len(body) > 0 && req.Header.Get("Content-Type") == "" {
		// The server reads every body as JSON, whatever its Content-Type.
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/") && status >= 400:
			// The catch-all under /api/ answers problems for unknown routes.
			if err := v.checkProblem(rec); err != nil {
				fail(err)
			}
		case status < 400:
			fail(fmt.Errorf("the operation is not in api/openapi.json: %w", err))
		}
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:  bearerPresent,
			SkipSettingDefaults: true,
		},
	}
	if status < 400 && !bodyFailed {
		if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
			fail(fmt.Errorf("the server accepted a request that the document rejects: %w", err))
		}
	}
	stream := specIsEventStream(rec.Header().Get("Content-Type"))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 status,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: stream},
	}
	out.SetBodyBytes(rec.body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		fail(err)
		return
	}
	if stream {
		if err := v.checkStream(route, status, rec); err != nil {
			fail(err)
		}
	}
}

// bearerPresent accepts any request that carries a bearer token: whether
// the token is good is for the server to say.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s == nil || s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		return fmt.Errorf("unexpected security scheme %q", in.SecuritySchemeName)
	}
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return errors.New("no Authorization: Bearer header")
	}
	return nil
}

// checkProblem checks an answer that no operation describes: it must be
// a problem.
func (v *specValidator) checkProblem(rec *specRecorder) error {
	if ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); ct != "application/problem+json" {
		return fmt.Errorf("an unrouted /api/ answer has Content-Type %q, want application/problem+json", ct)
	}
	return v.visit("Problem", rec.body.Bytes())
}

// checkStream checks an event stream: its media type is the documented one
// and every event's data is an Act (a "gap" event's a StreamGap).
func (v *specValidator) checkStream(route *routers.Route, status int, rec *specRecorder) error {
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil || resp.Value.Content.Get(rec.Header().Get("Content-Type")) == nil {
		return fmt.Errorf("the event stream's Content-Type %q is not documented", rec.Header().Get("Content-Type"))
	}
	data := rec.body.Bytes()
	if rec.truncated {
		if i := bytes.LastIndex(data, []byte("\n\n")); i >= 0 {
			data = data[:i+2]
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), specMaxCaptured)
	var event string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "gap":
			if err := v.visit("StreamGap", []byte(strings.TrimPrefix(line, "data: "))); err != nil {
				return fmt.Errorf("event %q: %w", event, err)
			}
		case strings.HasPrefix(line, "data: ") && event == "end":
			if err := v.visit("StreamEnd", []byte(strings.TrimPrefix(line, "data: "))); err != nil {
				return fmt.Errorf("event %q: %w", event, err)
			}
		case strings.HasPrefix(line, "data: "):
			b := []byte(strings.TrimPrefix(line, "data: "))
			if err := v.visit("Act", b); err != nil {
				return fmt.Errorf("event %q: %w", event, err)
			}
			var a struct{ Verb string }
			if err := json.Unmarshal(b, &a); err == nil && a.Verb != event {
				return fmt.Errorf("event %q carries an act whose verb is %q", event, a.Verb)
			}
		}
	}
	return sc.Err()
}

// visit validates JSON against a schema of the document's components.
func (v *specValidator) visit(schema string, b []byte) error {
	ref := v.doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("api/openapi.json has no %s schema", schema)
	}
	var value any
	if err := json.Unmarshal(b, &value); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := v.doc.ValidateSchemaJSON(ref.Value, value, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("does not match the %s schema: %w", schema, err)
	}
	return nil
}

// specRoutePattern finds the patterns registered in routes.go.
var specRoutePattern = regexp.MustCompile(`(?:\bs\.handle|\bs\.handlePublic|\.HandleFunc|\.Handle)\(\s*"([^"]*)"`)

// TestOpenAPIDocumentIsValid checks that api/openapi.json is a valid
// OpenAPI document that lists exactly the routes of routes.go, and that its
// enums follow the domain's.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, _, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi = %q, want 3.1", doc.OpenAPI)
	}
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range specRoutePattern.FindAllStringSubmatch(string(src), -1) {
		method, path, ok := strings.Cut(m[1], " ")
		if !ok {
			if m[1] != "/api/" {
				t.Errorf("routes.go: %q has no method", m[1])
			}
			continue
		}
		routes[method+" "+path] = true
	}
	if len(routes) == 0 {
		t.Fatal("found no routes in routes.go")
	}
	routes["GET /metrics"] = true // Server.Metrics, on the listener the command line gives it
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, r := range specSortedKeys(routes) {
		if !documented[r] {
			t.Errorf("routes.go serves %s; api/openapi.json does not describe it", r)
		}
	}
	for _, d := range specSortedKeys(documented) {
		if !routes[d] {
			t.Errorf("api/openapi.json describes %s; routes.go does not serve it", d)
		}
	}
	checkSpecEnums(t, doc)
}

// checkSpecEnums compares the document's enums with the domain's vocabulary.
func checkSpecEnums(t *testing.T, doc *openapi3.T) {
	t.Helper()
	enum := func(name string) []string {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Fatalf("api/openapi.json has no %s schema", name)
		}
		var out []string
		for _, v := range ref.Value.Enum {
			out = append(out, fmt.Sprint(v))
		}
		return out
	}
	verbs := ledger.Verbs()
	sort.Strings(verbs)
	if got := enum("Verb"); !slices.Equal(specSorted(got), verbs) {
		t.Errorf("Verb enum = %v, want ledger.Verbs() = %v", specSorted(got), verbs)
	}
	for _, k := range notifications.Kinds() {
		if !slices.Contains(enum("NotificationKind"), string(k)) {
			t.Errorf("the notification kind %s is missing from the NotificationKind enum", k)
		}
	}
	valid := map[string]func(string) bool{
		"Function":    func(s string) bool { return wayfare.Function(s).Valid() },
		"PitchStatus": func(s string) bool { return leadership.Status(s).Valid() },
		"Role":        func(s string) bool { return people.Role(s).Valid() },
	}
	for name, ok := range valid {
		for _, v := range enum(name) {
			if !ok(v) {
				t.Errorf("%s enum holds %q, which the domain does not know", name, v)
			}
		}
	}
	for _, v := range verbs {
		f, _ := ledger.FunctionOf(v)
		if !slices.Contains(enum("Function"), string(f)) {
			t.Errorf("verb %s serves function %q, missing from the Function enum", v, f)
		}
	}
}

func specSortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func specSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// specRecordingTB records what the validator reports instead of failing.
type specRecordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *specRecordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *specRecordingTB) Helper() {}

// TestValidateAgainstSpecCatchesMismatches proves that the validator can
// fail: each fake handler breaks the document in one way.
func TestValidateAgainstSpecCatchesMismatches(t *testing.T) {
	const group = `{"id":"1","name":"Platform","created_at":"2026-01-05T09:30:00Z"}`
	const act = `{"id":"7","at":"2026-01-05T09:30:00Z","person_id":"3","function":"follower","verb":"ticket.bought","subject_kind":"pitch","subject_id":"5"}`
	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		contentType  string
		answer       string
		wantError    string // "" when the exchange is valid
	}{
		{"valid list", "GET", "/api/v1/groups", "", 200, "application/json", `{"items":[` + group + `]}`, ""},
		{"items not an array", "GET", "/api/v1/people", "", 200, "application/json", `{"items": 5}`, "items"},
		{"id as a number", "GET", "/api/v1/groups/1", "", 200, "application/json",
			`{"id":1,"name":"Platform","created_at":"2026-01-05T09:30:00Z"}`, "id"},
		{"undocumented field", "GET", "/api/v1/groups/1", "", 200, "application/json",
			`{"id":"1","name":"Platform","created_at":"2026-01-05T09:30:00Z","colour":"blue"}`, "colour"},
		{"undocumented status", "GET", "/api/v1/pitches/1", "", 418, "application/json", `{}`, "status is not supported"},
		{"wrong success status", "POST", "/api/v1/groups", `{"name":"Platform"}`, 200, "application/json", group,
			"status is not supported"},
		{"problem without code", "GET", "/api/v1/pitches/1", "", 404, "application/problem+json",
			`{"type":"https://wayfare.invalid/problems/not_found","title":"Not Found","status":404}`, "code"},
		{"problem code for another status", "GET", "/api/v1/pitches/1", "", 404, "application/problem+json",
			`{"type":"https://wayfare.invalid/problems/conflict","title":"Not Found","status":404,"code":"conflict"}`, "code"},
		{"problem as plain JSON", "GET", "/api/v1/pitches/1", "", 404, "application/json",
			`{"type":"https://wayfare.invalid/problems/not_found","title":"Not Found","status":404,"code":"not_found"}`,
			"Content-Type"},
		{"accepted request the document rejects", "POST", "/api/v1/groups", `{"name":5}`, 201, "application/json",
			group, "name"},
		{"unknown route answered as success", "GET", "/api/v1/nowhere", "", 200, "application/json", `{}`,
			"not in api/openapi.json"},
		{"unknown route not a problem", "GET", "/api/v1/nowhere", "", 404, "text/plain", "404 page not found",
			"application/problem+json"},
		{"stream with a bad act", "GET", "/api/v1/events", "", 200, "text/event-stream",
			"retry: 2000\n: connected\n\nid: 7\nevent: ticket.bought\ndata: {\"id\":7}\n\n", "ticket.bought"},
		{"valid stream", "GET", "/api/v1/events", "", 200, "text/event-stream",
			"retry: 2000\n: connected\n\nid: 7\nevent: ticket.bought\ndata: " + act + "\n\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &specRecordingTB{TB: t}
			h := validateAgainstSpec(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.answer)
			}))
			req, _ := http.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer wf_test")
			h.ServeHTTP(specDiscardWriter{header: http.Header{}}, req)
			got := strings.Join(rec.errors, "\n")
			switch {
			case tt.wantError == "" && got != "":
				t.Errorf("the validator reported a valid exchange:\n%s", got)
			case tt.wantError != "" && got == "":
				t.Errorf("the validator reported nothing; want an error about %q", tt.wantError)
			case tt.wantError != "" && !strings.Contains(got, tt.wantError):
				t.Errorf("the validator reported:\n%s\nwant it to mention %q", got, tt.wantError)
			}
		})
	}
}

// specDiscardWriter is a ResponseWriter that keeps nothing.
type specDiscardWriter struct{ header http.Header }

func (w specDiscardWriter) Header() http.Header         { return w.header }
func (w specDiscardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w specDiscardWriter) WriteHeader(int)             {}
