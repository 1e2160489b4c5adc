package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// The pages most read — a pitch and the home page — are kept rendered, in
// parts, for as long as what they show stays the same. Each part records
// the versions of the data it was read at (see store.DB: a pitch's
// version, the lists', the roles', a person's own) and is used only while
// they are all still current; a page is then written from its parts and
// the header of whoever reads it.

// partLife bounds how long a part is kept even while its data stays the
// same: parts say "3 minutes ago", and such words age.
const partLife = 30 * time.Second

// Memory the kept parts may take, at most.
const (
	pitchPartsBudget = 192 << 20
	homePartsBudget  = 64 << 20
	peopleBudget     = 16 << 20
)

// parts holds the kept parts of the pages.
type parts struct {
	pitches *cache[wayfare.ID, *pitchPart]
	homes   *cache[wayfare.ID, *homePart]
	headers *cache[headerKey, headerPart]
	people  *cache[wayfare.ID, signedIn]
	main    []byte // the opening of main with no message in it
	end     []byte // what follows every page's content
}

func newParts(s *Server) (*parts, error) {
	p := &parts{
		pitches: newCache[wayfare.ID, *pitchPart](pitchPartsBudget),
		homes:   newCache[wayfare.ID, *homePart](homePartsBudget),
		headers: newCache[headerKey, headerPart](peopleBudget),
		people:  newCache[wayfare.ID, signedIn](peopleBudget),
	}
	var err error
	if p.main, err = s.exec("error", "main", &base{}); err != nil {
		return nil, err
	}
	if p.end, err = s.exec("error", "end", &base{}); err != nil {
		return nil, err
	}
	return p, nil
}

// exec renders one template of a page's set.
func (s *Server) exec(page, name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pages.pages[page].ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writePage writes a page from its head and content, with the reader's
// header and any message for them between.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, b *base, head, content []byte) {
	b.Path = r.URL.Path
	b.Me = s.me(r)
	header, err := s.header(b.Me, b.Path)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	main := s.parts.main
	b.Flash = s.sessions.PopString(r.Context(), "flash")
	if b.Flash != "" || b.Problem != nil {
		if main, err = s.exec("error", "main", b); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	h := w.Header()
	for k, v := range pageHeaders {
		h[k] = v
	}
	h["Content-Length"] = []string{strconv.Itoa(len(head) + len(header) + len(main) + len(content) + len(s.parts.end))}
	w.WriteHeader(status)
	for _, part := range [][]byte{head, header, main, content, s.parts.end} {
		if _, err := w.Write(part); err != nil {
			return
		}
	}
}

// pageHeaders are the headers of every page written from parts, in their
// canonical form (and never changed: responses share the values).
var pageHeaders = http.Header{
	"Content-Type":  {"text/html; charset=utf-8"},
	"Cache-Control": {"no-store"},
	"Vary":          {fragmentHeader},
}

// headerKey names a reader's header: the main navigation marks the page
// it is on.
type headerKey struct {
	person wayfare.ID
	nav    string
}

type headerPart struct {
	roles uint64
	b     []byte
}

// navPaths are the pages the main navigation links to.
var navPaths = map[string]bool{"/": true, "/pitches/new": true, "/acts": true, "/insights": true}

// header returns the reader's header for a page at path.
func (s *Server) header(me *people.Person, path string) ([]byte, error) {
	if me == nil {
		return s.exec("error", "header", &base{Path: path})
	}
	if !navPaths[path] {
		path = ""
	}
	k, roles := headerKey{me.ID, path}, s.svc.RolesVersion()
	if h, ok := s.parts.headers.get(k); ok && h.roles == roles {
		return h.b, nil
	}
	b, err := s.exec("error", "header", &base{Me: me, Path: path})
	if err != nil {
		return nil, err
	}
	s.parts.headers.put(k, headerPart{roles: roles, b: b}, len(b)+64)
	return b, nil
}

// signedIn is a signed-in person as the pages know them.
type signedIn struct {
	roles  uint64
	person *people.Person
	actor  wayfare.Actor
}

// signedInPerson returns the person of a session, kept until people or
// roles change.
func (s *Server) signedInPerson(ctx context.Context, id wayfare.ID) (*people.Person, wayfare.Actor, error) {
	roles := s.svc.RolesVersion()
	if p, ok := s.parts.people.get(id); ok && p.roles == roles {
		return p.person, p.actor, nil
	}
	me, actor, err := s.svc.SignedIn(ctx, id)
	if err != nil {
		return nil, actor, err
	}
	s.parts.people.put(id, signedIn{roles: roles, person: me, actor: actor}, 512)
	return me, actor, nil
}

// pitchPart is a pitch page as everyone sees it, rendered once for each
// variant of what readers see differently.
type pitchPart struct {
	id             wayfare.ID
	version, roles uint64
	until          time.Time
	view           *pitchView // the shared reads, to render more variants
	head           []byte

	mu       sync.RWMutex
	variants map[pitchViewer][]byte
}

// pitchPart returns the kept part of a pitch's page, read afresh when the
// pitch (or the people it names) changed since.
func (s *Server) pitchPart(ctx context.Context, id wayfare.ID) (*pitchPart, error) {
	// The versions are read before the data: a commit in between makes the
	// part look older than it is, never newer.
	version, roles := s.svc.PitchVersion(id), s.svc.RolesVersion()
	if p, ok := s.parts.pitches.get(id); ok && p.version == version && p.roles == roles && time.Now().Before(p.until) {
		return p, nil
	}
	v, err := s.pitchShared(ctx, id)
	if err != nil {
		return nil, err
	}
	head, err := s.exec("pitch", "head", v)
	if err != nil {
		return nil, err
	}
	p := &pitchPart{id: id, version: version, roles: roles, until: time.Now().Add(partLife), view: v, head: head,
		variants: map[pitchViewer][]byte{}}
	s.parts.pitches.put(id, p, len(head)+pitchSize(v))
	return p, nil
}

// pitchSize guesses what a pitch's reads take in memory.
func pitchSize(v *pitchView) int {
	p := v.Pitch
	n := 1024 + len(p.Title) + len(p.StatusQuo) + len(p.BetterWay) + 8*len(v.holders)
	for _, e := range p.Evidence {
		n += 128 + len(e.Label) + len(e.URL) + len(e.Source)
	}
	for _, d := range v.Decisions {
		n += 256 + len(d.Rationale)
	}
	return n
}

// content returns the page's content for a reader who sees it as viewer.
func (p *pitchPart) content(s *Server, viewer pitchViewer) ([]byte, error) {
	p.mu.RLock()
	b, ok := p.variants[viewer]
	p.mu.RUnlock()
	if ok {
		return b, nil
	}
	v := *p.view
	v.pitchViewer = viewer
	b, err := s.exec("pitch", "content", &v)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	if _, ok := p.variants[viewer]; !ok {
		p.variants[viewer] = b
		s.parts.pitches.grow(p.id, len(b))
	}
	p.mu.Unlock()
	return b, nil
}

// homePart is a person's home page, kept while the lists, the roles, the
// person's own acts and every pitch it shows stay as they were.
type homePart struct {
	lists, roles, mine uint64
	pitches            []wayfare.ID
	versions           []uint64
	until              time.Time
	head, content      []byte
}

// current says whether the part still shows what a fresh read would.
func (p *homePart) current(s *Server, me wayfare.ID) bool {
	if p.lists != s.svc.ListsVersion() || p.roles != s.svc.RolesVersion() || p.mine != s.svc.PersonVersion(me) ||
		!time.Now().Before(p.until) {
		return false
	}
	for i, id := range p.pitches {
		if s.svc.PitchVersion(id) != p.versions[i] {
			return false
		}
	}
	return true
}
