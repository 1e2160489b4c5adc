package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
	"github.com/wayfare-org/wayfare/people"
)

type pitchView struct {
	base
	Pitch     *leadership.Pitch
	Author    *people.Person
	Group     *people.Group
	Decisions []decisionRow
	Form      management.NewDecision
	Rounds    []*management.Round
	Round     *management.Round     // the round open, if any
	Names     map[wayfare.ID]string // who opened and answered the rounds
	Left      map[wayfare.ID]bool   // the deciders and answerers who have left
	ClosesOn  string                // the default close of a new round
	// MergeChoices are the pitches a merge may name, for those who may
	// decide: the group's open proposals but this one.
	MergeChoices []*leadership.Pitch
	MergeChosen  wayfare.ID // the merge's pitch, in a form sent back
	// mergeTitles name the pitches the decisions merged into.
	mergeTitles map[wayfare.ID]string
	sales       leadership.Sales // what rule 5 asks, at each reading
	holders     []wayfare.ID     // who holds a ticket, in the order of their ids
	pitchViewer                  // what depends on who reads the page
}

// pitchViewer is what a pitch page shows differently to each reader.
type pitchViewer struct {
	Holds       bool
	MayBuy      bool // rule 5 allows the reader a purchase now
	MayDecide   bool
	MayWithdraw bool
	// MayOpenRound, MayRespond and MayClose offer a round's forms to
	// management, members of the group and the round's opener; Answered
	// says the reader's answer to the open round stands.
	MayOpenRound bool
	MayRespond   bool
	MayClose     bool
	Answered     bool
}

type decisionRow struct {
	*management.Decision
	Decider string
}

// pitch serves a pitch page. The page is the same for everyone but for
// the parts in pitchViewer, so it is kept rendered, once for each such
// variant, until the pitch changes (see pitchPart).
func (s *Server) pitch(w http.ResponseWriter, r *http.Request) error {
	if r.Header.Get(fragmentHeader) != "" {
		v, err := s.pitchView(r)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "pitch", v)
		return nil
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	part, err := s.pitchPart(r.Context(), id)
	if err != nil {
		return err
	}
	viewer, err := s.pitchViewer(r, part.view)
	if err != nil {
		return err
	}
	content, err := part.content(r.Context(), s, viewer)
	if err != nil {
		return err
	}
	b := part.view.base // the part is shared: the reader's own copy
	s.writePage(w, r, http.StatusOK, &b, part.head, content)
	return nil
}

// pitchView reads the whole page for the reader.
func (s *Server) pitchView(r *http.Request) (*pitchView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := s.pitchShared(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if v.pitchViewer, err = s.pitchViewer(r, v); err != nil {
		return nil, err
	}
	return v, s.mergeChoices(r.Context(), v)
}

// MergeTitle names a pitch a decision merged into.
func (v *pitchView) MergeTitle(id *wayfare.ID) string {
	if t, ok := v.mergeTitles[*id]; ok {
		return t
	}
	return "another pitch"
}

// mergeChoices reads the pitches a merge may name, when the reader may
// decide: the proposals to the same group that a merge may take.
func (s *Server) mergeChoices(ctx context.Context, v *pitchView) error {
	if !v.MayDecide {
		return nil
	}
	ps, err := s.svc.Pitches(ctx, leadership.PitchFilter{GroupID: v.Pitch.GroupID, Kind: leadership.Proposal, Page: wayfare.Page{Limit: 200}})
	if err != nil {
		return err
	}
	v.MergeChoices = nil
	for _, p := range ps {
		if p.ID != v.Pitch.ID && management.MergeTarget(p.Kind, p.Status, false) == nil {
			v.MergeChoices = append(v.MergeChoices, p)
		}
	}
	return nil
}

// pitchShared reads what the page shows to everyone.
func (s *Server) pitchShared(ctx context.Context, id wayfare.ID) (*pitchView, error) {
	p, err := s.svc.Pitch(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &pitchView{base: base{Title: p.Title}, Pitch: p}
	if v.Author, err = s.svc.PersonBrief(ctx, p.AuthorID); err != nil {
		return nil, err
	}
	groups, err := s.svc.Names(ctx, "group", []wayfare.ID{p.GroupID})
	if err != nil {
		return nil, err
	}
	v.Group = &people.Group{ID: p.GroupID, Name: groups[p.GroupID]}
	sales, err := s.svc.Sales(ctx, id)
	if err != nil {
		return nil, err
	}
	v.sales = sales
	if v.holders, err = s.svc.Holders(ctx, id); err != nil {
		return nil, err
	}
	ds, err := s.svc.Decisions(ctx, id)
	if err != nil {
		return nil, err
	}
	deciders := map[wayfare.ID]string{}
	ids := make([]wayfare.ID, 0, len(ds))
	var merged []wayfare.ID
	for _, d := range ds {
		ids = append(ids, d.DeciderID)
		if d.MergeInto != nil {
			merged = append(merged, *d.MergeInto)
		}
	}
	if len(merged) > 0 {
		if v.mergeTitles, err = s.svc.Names(ctx, "pitch", merged); err != nil {
			return nil, err
		}
	}
	if len(ids) > 0 {
		if deciders, err = s.svc.Names(ctx, "person", ids); err != nil {
			return nil, err
		}
	}
	for _, d := range ds {
		name, ok := deciders[d.DeciderID]
		if !ok {
			name = "someone"
		}
		v.Decisions = append(v.Decisions, decisionRow{Decision: d, Decider: name})
	}
	v.Form = management.NewDecision{Method: management.Consultative} // no outcome chosen for the decider
	return v, s.rounds(ctx, v)
}

// rounds reads the pitch's decision rounds and the names of those who
// opened and answered them.
func (s *Server) rounds(ctx context.Context, v *pitchView) error {
	var err error
	if v.Rounds, err = s.svc.Rounds(ctx, v.Pitch.ID); err != nil {
		return err
	}
	v.Names = map[wayfare.ID]string{}
	var ids []wayfare.ID
	for _, x := range v.Rounds {
		if x.Open {
			v.Round = x
		}
		ids = append(ids, x.OpenerID)
		for _, a := range x.Responses {
			ids = append(ids, a.PersonID)
		}
	}
	v.ClosesOn = time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	for _, d := range v.Decisions {
		ids = append(ids, d.DeciderID)
	}
	if len(ids) == 0 {
		return nil
	}
	if v.Left, err = s.leftOf(ctx, ids); err != nil {
		return err
	}
	found, err := s.svc.Names(ctx, "person", ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		v.Names[id] = "someone"
		if n, ok := found[id]; ok {
			v.Names[id] = n
		}
	}
	return nil
}

// roundViewer says what the reader may do with the pitch's rounds, by the
// rules the store applies when they do it.
func (s *Server) roundViewer(ctx context.Context, v *pitchView, standing management.Standing, out *pitchViewer) error {
	p := v.Pitch
	out.MayOpenRound = management.CanOpenRound(standing, p.Kind, p.Status, v.Round != nil) == nil
	if v.Round == nil {
		return nil
	}
	me := wayfare.ActorFrom(ctx).PersonID
	openerManages, err := s.svc.Manages(ctx, v.Round.OpenerID, p.GroupID)
	if err != nil {
		return err
	}
	out.MayClose = management.CanCloseRound(standing, v.Round.OpenerID, openerManages) == nil
	for _, a := range v.Round.Responses {
		out.Answered = out.Answered || a.PersonID == me
	}
	if v.Round.Accepting(time.Now()) != nil {
		return nil
	}
	elector, err := s.svc.Elector(ctx, v.Round.ID, me)
	out.MayRespond = management.CanAnswer(management.Standing{Actor: wayfare.ActorFrom(ctx)}, elector) == nil
	return err
}

// pitchViewer reads what the page shows to the reader alone.
func (s *Server) pitchViewer(r *http.Request, v *pitchView) (pitchViewer, error) {
	ctx, p := r.Context(), v.Pitch
	me := wayfare.ActorFrom(ctx).PersonID
	var out pitchViewer
	_, out.Holds = slices.BinarySearch(v.holders, me)
	// Asked at each reading: a kept page must not offer a purchase past
	// the sales deadline.
	out.MayBuy = !out.Holds && v.sales.CanBuy(time.Now()) == nil
	standing, err := s.svc.Standing(ctx, p.GroupID, 0)
	if err != nil {
		return out, err
	}
	// Rule 3: the decision panel is shown only to those who may decide.
	out.MayDecide = p.Kind == leadership.Proposal && management.CanDecide(standing) == nil
	out.MayWithdraw = leadership.CanWithdraw(me, p.AuthorID, p.Status) == nil
	return out, s.roundViewer(ctx, v, standing, &out)
}

func (s *Server) buy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, created, err := s.svc.BuyTicket(r.Context(), id)
	if e, ok := refused(err); ok {
		return s.back(w, r, "/pitches/"+id.String(), e.Message)
	} else if err != nil {
		return err
	}
	msg := "You hold a ticket already."
	if created {
		msg = "Ticket bought: you are persuaded and coming along."
	}
	return s.back(w, r, "/pitches/"+id.String(), msg)
}

func (s *Server) refund(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.svc.RefundTicket(r.Context(), id)
	if e, ok := refused(err); ok {
		return s.back(w, r, "/pitches/"+id.String(), e.Message)
	} else if err != nil && wayfare.ErrorCode(err) != wayfare.ENOTFOUND {
		return err
	}
	return s.back(w, r, "/pitches/"+id.String(), "Ticket refunded.")
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.svc.Withdraw(r.Context(), id)
	if e, ok := refused(err); ok {
		return s.back(w, r, "/pitches/"+id.String(), e.Message)
	} else if err != nil {
		return err
	}
	return s.back(w, r, "/pitches/"+id.String(), "Pitch withdrawn.")
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := management.NewDecision{
		Outcome:     management.Outcome(r.PostFormValue("outcome")),
		Method:      management.Method(r.PostFormValue("method")),
		Rationale:   r.PostFormValue("rationale"),
		RevisitOn:   strings.TrimSpace(r.PostFormValue("revisit_on")),
		Destination: r.PostFormValue("destination"),
	}
	if in.Outcome != management.Defer {
		in.RevisitOn = ""
	}
	if in.Outcome == management.Merge {
		if in.MergeInto, err = formID(r, "merge_into"); err != nil {
			return s.decisionRefused(w, r, in, err)
		}
	}
	if in.Supersedes, err = formID(r, "supersedes"); err != nil {
		return s.decisionRefused(w, r, in, err)
	}
	d, err := s.svc.Decide(r.Context(), id, in)
	if err != nil {
		return s.decisionRefused(w, r, in, err)
	}
	if d.JourneyID != nil {
		return s.back(w, r, "/journeys/"+d.JourneyID.String(), "Adopted: the ticket holders are now riders of this journey.")
	}
	return s.back(w, r, "/pitches/"+id.String(), "Decision recorded: "+string(d.Outcome)+".")
}

// decisionRefused shows the pitch again with the form as it was filled in
// and the reason, or fails for errors that are not refusals.
func (s *Server) decisionRefused(w http.ResponseWriter, r *http.Request, in management.NewDecision, err error) error {
	e, ok := refused(err)
	if !ok {
		return err
	}
	v, verr := s.pitchView(r)
	if verr != nil {
		return verr
	}
	v.Problem, v.Form = e, in
	if in.MergeInto != nil {
		v.MergeChosen = *in.MergeInto
	}
	status := http.StatusBadRequest
	if e.Code == wayfare.EFORBIDDEN {
		status = http.StatusForbidden
	} else if e.Code == wayfare.ECONFLICT {
		status = http.StatusConflict
	}
	s.render(w, r, status, "pitch", v)
	return nil
}

type newPitchView struct {
	base
	Groups    []groupRow // the groups one may pitch to, by path
	GroupPath string     // the group chosen, as the picker shows it
	Form      leadership.NewPitch
	Evidence  []leadership.Evidence // the rows of the evidence table, filled or empty
	Close     string
	Pitches   []*leadership.Pitch // similar pitches, filled in while the title is typed
}

// evidenceRows is how many evidence rows the form offers without script.
const evidenceRows = 4

func (s *Server) newPitch(w http.ResponseWriter, r *http.Request) error {
	v := &newPitchView{base: base{Title: "Write a pitch"}, Form: leadership.NewPitch{Kind: leadership.Proposal, TicketsWanted: 5}}
	if g, err := wayfare.ParseID(r.URL.Query().Get("group")); err == nil {
		v.Form.GroupID = g
	}
	return s.showNewPitch(w, r, http.StatusOK, v)
}

func (s *Server) showNewPitch(w http.ResponseWriter, r *http.Request, status int, v *newPitchView) error {
	tree, err := s.groupTree(r.Context())
	if err != nil {
		return err
	}
	v.Groups = tree
	for _, g := range tree {
		if g.ID == v.Form.GroupID && v.GroupPath == "" {
			v.GroupPath = g.Path
		}
	}
	for len(v.Evidence) < evidenceRows {
		v.Evidence = append(v.Evidence, leadership.Evidence{})
	}
	s.render(w, r, status, "pitch_new", v)
	return nil
}

// createPitch publishes the pitch the form describes, or shows the form
// again with every field at fault named at once.
func (s *Server) createPitch(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return wayfare.FieldError("body", "could not be read")
	}
	v := &newPitchView{base: base{Title: "Write a pitch"}, GroupPath: r.PostFormValue("group")}
	f := &v.Form
	f.Kind = leadership.Kind(r.PostFormValue("kind"))
	f.Title, f.StatusQuo, f.BetterWay = r.PostFormValue("title"), r.PostFormValue("status_quo"), r.PostFormValue("better_way")
	v.Evidence = evidenceFromForm(r)
	var errs wayfare.Fields
	g, err := s.pitchGroup(r)
	if !errs.Add(err) {
		return err
	}
	f.GroupID = g
	f.TicketsWanted, err = formInt(r, "tickets_wanted")
	errs.Add(err)
	if v.Close = strings.TrimSpace(r.PostFormValue("sales_close")); v.Close != "" {
		if day, err := time.Parse(time.DateOnly, v.Close); err != nil {
			errs.Add(wayfare.FieldError("sales_close", "must be a date"))
		} else {
			end := day.Add(24*time.Hour - time.Second)
			f.SalesClose = &end
		}
	}
	var rows []int // the form's row of each item sent
	for i, e := range v.Evidence {
		if e.Label != "" || e.URL != "" || e.Value != nil {
			f.Evidence, rows = append(f.Evidence, e), append(rows, i)
		}
	}
	check := *f // the rules of a pitch, applied to a copy: the form keeps what was typed
	errs.Add(check.Validate(time.Now()))
	err = errs.Err()
	if err == nil {
		var p *leadership.Pitch
		if p, err = s.svc.Publish(r.Context(), *f); err == nil {
			return s.back(w, r, "/pitches/"+p.ID.String(), "Published. Now sell the tickets: share the link.")
		}
	}
	e, ok := refused(err)
	if !ok {
		if wayfare.ErrorCode(err) == wayfare.ENOTFOUND {
			e = wayfare.FieldError("group_id", "names no group: choose one from the list")
		} else {
			return err
		}
	}
	v.Problem = onRows(e, rows)
	return s.showNewPitch(w, r, http.StatusBadRequest, v)
}

// pitchGroup reads the group a pitch goes to: its path, as the picker
// shows it, or its id when the page was opened from the group's page.
func (s *Server) pitchGroup(r *http.Request) (wayfare.ID, error) {
	if path := strings.TrimSpace(r.PostFormValue("group")); path != "" || r.PostFormValue("group_id") == "" {
		if path == "" {
			return 0, wayfare.FieldError("group_id", "is required: choose the group to pitch to")
		}
		tree, err := s.groupTree(r.Context())
		if err != nil {
			return 0, err
		}
		id, err := groupByPath(tree, "group_id", path)
		if err != nil {
			return 0, err
		}
		return *id, nil
	}
	id, err := formID(r, "group_id")
	if err != nil {
		return 0, err
	}
	return *id, nil
}

// onRows names the evidence fields of an error by the form's rows: the
// items sent are the rows filled in, numbered from the first filled.
func onRows(e *wayfare.Error, rows []int) *wayfare.Error {
	var out wayfare.Fields
	for _, f := range e.All() {
		c := *f
		c.More = nil
		if m := evidenceField.FindStringSubmatch(f.Field); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n < len(rows) {
				c.Field = "evidence[" + strconv.Itoa(rows[n]) + "]." + m[2]
			}
		}
		if !out.Add(&c) {
			return e // not a field error: as it is
		}
	}
	if e, ok := wayfare.AsError(out.Err()); ok {
		return e
	}
	return e
}

// evidenceFromForm reads the evidence rows: evidence_kind, evidence_label,
// … repeated, one value per row.
func evidenceFromForm(r *http.Request) []leadership.Evidence {
	kinds, labels := r.PostForm["evidence_kind"], r.PostForm["evidence_label"]
	values, units := r.PostForm["evidence_value"], r.PostForm["evidence_unit"]
	urls, sources := r.PostForm["evidence_url"], r.PostForm["evidence_source"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	var out []leadership.Evidence
	for i := range min(len(kinds), leadership.MaxEvidence+1) {
		e := leadership.Evidence{Kind: leadership.EvidenceKind(at(kinds, i)), Label: at(labels, i), Unit: at(units, i),
			URL: at(urls, i), Source: at(sources, i)}
		if v := at(values, i); v != "" {
			if f, err := parseNumber(v); err == nil {
				e.Value = &f
			}
		}
		out = append(out, e)
	}
	return out
}

type similarView struct {
	base
	Pitches []*leadership.Pitch
}

// similar lists pitches like the one being written: the new-pitch page
// asks for it while the author types the title.
func (s *Server) similar(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := &similarView{}
	if len([]rune(q)) >= 3 {
		ps, err := s.svc.Pitches(r.Context(), leadership.PitchFilter{Query: q, Page: wayfare.Page{Limit: 5}})
		if err != nil {
			return err
		}
		v.Pitches = ps
	}
	r.Header.Set(fragmentHeader, "similar")
	s.render(w, r, http.StatusOK, "pitch_new", v)
	return nil
}
