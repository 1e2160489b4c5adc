package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
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
	header, err := s.header(r.Context(), b.Me, b.Path)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	main := s.parts.main
	b.Flash = s.sessions.PopString(r.Context(), "flash")
	b.After = liveAfter(r)
	if b.Flash != "" || b.Problem != nil {
		if main, err = s.exec("error", "main", b); err != nil {
			s.fail(w, r, err)
			return
		}
	} else if b.After != 0 {
		main = append(slices.Clip(main), afterMark(b.After)...)
	}
	writeHTML(w, status, head, header, main, content, s.parts.end)
}

// writeHTML writes HTML made of parts, in one answer with its length.
func writeHTML(w http.ResponseWriter, status int, parts ...[]byte) {
	h := w.Header()
	for k, v := range pageHeaders {
		h[k] = v
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h["Content-Length"] = []string{strconv.Itoa(n)}
	w.WriteHeader(status)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return
		}
	}
}

// afterMark names, for the page's script, the newest act the page was
// read after (see liveAfter).
func afterMark(id wayfare.ID) template.HTML {
	return template.HTML(`<div hidden id="live-after" data-after="` + id.String() + `"></div>`)
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
	roles, inbox uint64
	b            []byte
}

// navPaths are the pages the main navigation links to.
var navPaths = map[string]bool{"/": true, "/pitches/new": true, "/acts": true, "/insights": true, "/account": true}

// header returns the reader's header for a page at path.
func (s *Server) header(ctx context.Context, me *people.Person, path string) ([]byte, error) {
	if me == nil {
		return s.exec("error", "header", &base{Path: path})
	}
	if !navPaths[path] {
		path = ""
	}
	k, roles, inbox := headerKey{me.ID, path}, s.svc.RolesVersion(), s.svc.InboxVersion(me.ID)
	if h, ok := s.parts.headers.get(k); ok && h.roles == roles && h.inbox == inbox {
		return h.b, nil
	}
	unread, err := s.svc.Unread(ctx)
	if err != nil {
		return nil, err
	}
	b, err := s.exec("error", "header", &base{Me: me, Path: path, Unread: unread})
	if err != nil {
		return nil, err
	}
	s.parts.headers.put(k, headerPart{roles: roles, inbox: inbox, b: b}, len(b)+64)
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
	// The session was looked up after a fence (store.Sessions.FindCtx):
	// the roles version read now includes every change made before this
	// request, on any node.
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
func (p *pitchPart) content(ctx context.Context, s *Server, viewer pitchViewer) ([]byte, error) {
	p.mu.RLock()
	b, ok := p.variants[viewer]
	p.mu.RUnlock()
	if ok {
		return b, nil
	}
	v := *p.view
	v.pitchViewer = viewer
	if err := s.mergeChoices(ctx, &v); err != nil {
		return nil, err
	}
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

// homePart is a person's home page, kept while the lists, the roles and
// the person's own acts stay as they were. Its pitch cards are kept apart,
// each with the version of its pitch: when only some pitches changed (a
// purchase changes nothing on a card but the tickets sold, and every other
// change to a pitch moves the lists), only their cards are rendered again.
type homePart struct {
	lists, roles, mine uint64
	until              time.Time
	head               []byte
	segs               [][]byte   // the content around the cards: one more than the cards
	cards              []homeCard // in the order of the page; a pitch shown twice has two
	whole              []byte     // the content, joined
}

type homeCard struct {
	pitch   *leadership.Pitch
	version uint64
	html    []byte
}

// slotMark opens the comment that marks where a card goes in the content
// of the home page: what people type is escaped, so it cannot make one.
const slotMark = "<!--card:"

// current says whether the part still shows what a fresh read of its
// lists would; its cards may still need their counts read again (stale).
func (p *homePart) current(s *Server, me wayfare.ID) bool {
	return p.lists == s.svc.ListsVersion() && p.roles == s.svc.RolesVersion() &&
		p.mine == s.svc.PersonVersion(me) && time.Now().Before(p.until)
}

// stale returns the cards whose pitch changed since they were rendered.
func (p *homePart) stale(s *Server) []int {
	var out []int
	for i, c := range p.cards {
		if s.svc.PitchVersion(c.pitch.ID) != c.version {
			out = append(out, i)
		}
	}
	return out
}

// size is what the part takes in memory, about.
func (p *homePart) size() int {
	n := len(p.head) + len(p.whole) + 256
	for _, b := range p.segs {
		n += len(b)
	}
	for _, c := range p.cards {
		n += len(c.html) + 512
	}
	return n
}

// join makes the whole content from its segments and cards.
func (p *homePart) join() {
	n := 0
	for _, b := range p.segs {
		n += len(b)
	}
	for _, c := range p.cards {
		n += len(c.html)
	}
	out := make([]byte, 0, n)
	for i, c := range p.cards {
		out = append(append(out, p.segs[i]...), c.html...)
	}
	p.whole = append(out, p.segs[len(p.segs)-1]...)
}

// newHomePart cuts rendered content at its slots and renders the cards
// of the pitches, read with the tickets sold after their versions.
func (s *Server) newHomePart(p *homePart, content []byte, pitches map[wayfare.ID]*leadership.Pitch,
	versions map[wayfare.ID]uint64) error {
	for {
		i := bytes.Index(content, []byte(slotMark))
		if i < 0 {
			break
		}
		j := bytes.Index(content[i:], []byte("-->"))
		if j < 0 {
			return errors.New("web: a card's slot is not closed")
		}
		id, err := strconv.ParseInt(string(content[i+len(slotMark):i+j]), 10, 64)
		pitch, ok := pitches[wayfare.ID(id)]
		if err != nil || !ok {
			return fmt.Errorf("web: a slot names no pitch of the page: %q", content[i:i+j])
		}
		html, err := s.exec("home", "pitch-card", pitch)
		if err != nil {
			return err
		}
		p.segs = append(p.segs, content[:i])
		p.cards = append(p.cards, homeCard{pitch: pitch, version: versions[pitch.ID], html: html})
		content = content[i+j+len("-->"):]
	}
	p.segs = append(p.segs, content)
	p.join()
	return nil
}

// refreshCards renders again the cards whose pitches changed, with their
// tickets sold read after their versions, into a new part.
func (s *Server) refreshCards(ctx context.Context, p *homePart, stale []int) (*homePart, error) {
	versions := make([]uint64, len(stale))
	ids := make([]wayfare.ID, len(stale))
	for i, c := range stale {
		ids[i] = p.cards[c].pitch.ID
		versions[i] = s.svc.PitchVersion(ids[i])
	}
	sold, err := s.svc.TicketsSold(ctx, ids)
	if err != nil {
		return nil, err
	}
	np := *p
	np.cards = slices.Clone(p.cards)
	for i, c := range stale {
		pitch := *p.cards[c].pitch
		if n, ok := sold[pitch.ID]; ok {
			pitch.TicketsSold = n
			pitch.ReadyForDecision = leadership.Ready(pitch.Kind, pitch.Status, n, pitch.TicketsWanted)
		}
		html, err := s.exec("home", "pitch-card", &pitch)
		if err != nil {
			return nil, err
		}
		np.cards[c] = homeCard{pitch: &pitch, version: versions[i], html: html}
	}
	np.join()
	return &np, nil
}
