package notifications

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/ledger"
)

// PitchFacts is what a rule needs to know of a pitch.
type PitchFacts struct {
	Title         string
	AuthorID      wayfare.ID
	GroupID       wayfare.ID
	TicketsWanted int
	Selling       bool // still selling: not decided, not withdrawn
}

// JourneyFacts is what a rule needs to know of a journey.
type JourneyFacts struct {
	Title    string // its pitch's title
	PitchID  wayfare.ID
	AuthorID wayfare.ID // the pitch's author
	GroupID  wayfare.ID
}

// DecisionFacts is what a rule needs to know of a decision.
type DecisionFacts struct {
	Outcome   string
	Method    string
	Rationale string
}

// Facts answers the rules' questions about the organization as it stands.
// Lists of people hold active people only.
type Facts interface {
	Name(ctx context.Context, personID wayfare.ID) (string, error)
	Pitch(ctx context.Context, id wayfare.ID) (PitchFacts, error)
	Journey(ctx context.Context, id wayfare.ID) (JourneyFacts, error)
	Decision(ctx context.Context, id wayfare.ID) (DecisionFacts, error)
	SessionPrompt(ctx context.Context, id wayfare.ID) (string, error)
	// Managers returns the managers of the group or, if it has none, those
	// of its nearest ancestor that has some.
	Managers(ctx context.Context, groupID wayfare.ID) ([]wayfare.ID, error)
	Members(ctx context.Context, groupID wayfare.ID) ([]wayfare.ID, error)
	TicketHolders(ctx context.Context, pitchID wayfare.ID) ([]wayfare.ID, error)
	Riders(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error)
	Drivers(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error)
	// Doubters returns the riders whose doubt is still open.
	Doubters(ctx context.Context, journeyID wayfare.ID) ([]wayfare.ID, error)
	Electorate(ctx context.Context, roundID wayfare.ID) ([]wayfare.ID, error)
	Admins(ctx context.Context) ([]wayfare.ID, error)
	// FollowsPrivate says whether the organization keeps who acted as a
	// follower from others: then a notice names no follower.
	FollowsPrivate(ctx context.Context) (bool, error)
}

// Derive returns what an act tells whom. Nobody is told of their own act.
// It is the one place that says which acts notify.
func Derive(ctx context.Context, a *wayfare.Act, f Facts) ([]Notice, error) {
	d := deriver{ctx: ctx, act: a, f: f}
	switch a.Verb {
	case ledger.TicketBought:
		return d.ticket()
	case ledger.DecisionMade:
		return d.decision()
	case ledger.RoundOpened:
		return d.round()
	case ledger.DoubtRaised:
		return d.doubt()
	case ledger.JourneyDeparted, ledger.CheckinPosted, ledger.StopDone, ledger.JourneyArrived, ledger.JourneyAbandon:
		return d.moved()
	case ledger.RepitchPosted:
		return d.repitch()
	case ledger.SessionOpened, ledger.SessionMoved:
		return d.session()
	case ledger.WebhookDisabled:
		return d.webhook()
	case ledger.TokenCreated, ledger.PasswordSet:
		return d.signIn()
	}
	return nil, nil
}

type deriver struct {
	ctx context.Context
	act *wayfare.Act
	f   Facts
	out []Notice
}

// payload reads the act's payload; an act without one reads as empty.
func (d *deriver) payload(v any) error {
	if len(d.act.Payload) == 0 {
		return nil
	}
	return json.Unmarshal(d.act.Payload, v)
}

func (d *deriver) actor() string {
	if d.act.PersonID == 0 {
		return "Someone"
	}
	if d.act.Function == wayfare.Follower {
		if private, err := d.f.FollowsPrivate(d.ctx); err != nil || private {
			return "Someone"
		}
	}
	name, err := d.f.Name(d.ctx, d.act.PersonID)
	if err != nil || name == "" {
		return "Someone"
	}
	return name
}

// add appends a notice for people, leaving out the actor and repeats.
func (d *deriver) add(n Notice, people ...[]wayfare.ID) {
	d.addFor(n, false, people...)
}

// addFor is add that may tell the actor too.
func (d *deriver) addFor(n Notice, actorToo bool, people ...[]wayfare.ID) {
	seen := map[wayfare.ID]bool{d.act.PersonID: !actorToo, 0: true}
	for _, list := range people {
		for _, id := range list {
			if !seen[id] {
				seen[id] = true
				n.Recipients = append(n.Recipients, id)
			}
		}
	}
	if len(n.Recipients) == 0 {
		return
	}
	n.ActID, n.At = d.act.ID, d.act.At
	if n.Key == "" {
		n.Key = "act:" + d.act.ID.String()
	}
	d.out = append(d.out, n)
}

func pitchURL(id wayfare.ID) string   { return "/pitches/" + id.String() }
func journeyURL(id wayfare.ID) string { return "/journeys/" + id.String() }
func pitchThread(id wayfare.ID) string {
	return "pitch:" + id.String()
}
func journeyThread(id wayfare.ID) string { return "journey:" + id.String() }

func (d *deriver) ticket() ([]Notice, error) {
	var pl struct {
		Sold   int `json:"tickets_sold"`
		Wanted int `json:"tickets_wanted"`
	}
	if err := d.payload(&pl); err != nil || pl.Sold == 0 {
		return nil, err
	}
	if pl.Sold != 1 && pl.Wanted != 0 && pl.Sold != pl.Wanted {
		return nil, nil // most purchases: neither the first nor the last wanted
	}
	p, err := d.f.Pitch(d.ctx, d.act.SubjectID)
	if err != nil {
		return nil, err
	}
	id := d.act.SubjectID
	author := []wayfare.ID{p.AuthorID}
	base := Notice{URL: pitchURL(id), Thread: pitchThread(id), Topic: p.Title}
	if pl.Sold == 1 && p.TicketsWanted > 1 {
		n := base
		n.Kind, n.Key = PitchSold, "first:"+id.String()
		n.Subject = fmt.Sprintf("“%s” sold its first ticket", p.Title)
		n.Text = fmt.Sprintf("%s bought the first ticket of your pitch “%s”; it wants %d.", d.actor(), p.Title, p.TicketsWanted)
		d.add(n, author)
	}
	if pl.Sold != p.TicketsWanted {
		return d.out, nil
	}
	n := base
	n.Kind, n.Key = PitchSold, "wanted:"+id.String()
	n.Subject = fmt.Sprintf("“%s” has all %d tickets it wanted", p.Title, p.TicketsWanted)
	n.Text = fmt.Sprintf("%s bought ticket %d of %d: your pitch “%s” now waits for its group's decision.",
		d.actor(), pl.Sold, p.TicketsWanted, p.Title)
	d.add(n, author)
	if !p.Selling {
		return d.out, nil
	}
	managers, err := d.f.Managers(d.ctx, p.GroupID)
	if err != nil {
		return nil, err
	}
	n = base
	n.Kind, n.Key = DecisionWaiting, "pitch:"+id.String()
	n.Subject = fmt.Sprintf("“%s” waits for your decision", p.Title)
	n.Text = fmt.Sprintf("The pitch “%s” has the %d tickets it wanted. Decide it, with a rationale and a method, or open a decision round.",
		p.Title, p.TicketsWanted)
	d.add(n, managers)
	return d.out, nil
}

func (d *deriver) decision() ([]Notice, error) {
	var pl struct {
		DecisionID wayfare.ID `json:"decision_id"`
	}
	if err := d.payload(&pl); err != nil {
		return nil, err
	}
	id := d.act.SubjectID
	p, err := d.f.Pitch(d.ctx, id)
	if err != nil {
		return nil, err
	}
	dec, err := d.f.Decision(d.ctx, pl.DecisionID)
	if err != nil {
		return nil, err
	}
	holders, err := d.f.TicketHolders(d.ctx, id)
	if err != nil {
		return nil, err
	}
	n := Notice{Kind: PitchDecided, URL: pitchURL(id), Thread: pitchThread(id), Topic: p.Title}
	n.Subject = fmt.Sprintf("“%s”: %s", p.Title, outcomeWords(dec.Outcome))
	n.Text = fmt.Sprintf("%s decided “%s”: %s, by %s. Rationale: %s", d.actor(), p.Title,
		outcomeWords(dec.Outcome), methodWords(dec.Method), dec.Rationale)
	d.add(n, []wayfare.ID{p.AuthorID}, holders)
	return d.out, nil
}

func outcomeWords(o string) string {
	switch o {
	case "adopt":
		return "adopted"
	case "decline":
		return "declined"
	case "defer":
		return "deferred"
	case "merge":
		return "merged into another pitch"
	}
	return o
}

func methodWords(m string) string {
	switch m {
	case "directive":
		return "direction"
	case "consultative", "advice":
		return "advice"
	case "consent":
		return "consent"
	case "vote":
		return "a vote"
	}
	return m
}

func (d *deriver) round() ([]Notice, error) {
	var pl struct {
		RoundID wayfare.ID `json:"round_id"`
		Method  string     `json:"method"`
	}
	if err := d.payload(&pl); err != nil {
		return nil, err
	}
	id := d.act.SubjectID
	p, err := d.f.Pitch(d.ctx, id)
	if err != nil {
		return nil, err
	}
	electors, err := d.f.Electorate(d.ctx, pl.RoundID)
	if err != nil {
		return nil, err
	}
	n := Notice{Kind: RoundOpened, URL: pitchURL(id) + "#rounds", Thread: pitchThread(id), Topic: p.Title}
	n.Subject = fmt.Sprintf("Your answer is asked on “%s”", p.Title)
	n.Text = fmt.Sprintf("%s opened a decision round by %s on “%s”. Give your answer before it closes.",
		d.actor(), methodWords(pl.Method), p.Title)
	d.add(n, electors)
	return d.out, nil
}

func (d *deriver) doubt() ([]Notice, error) {
	var pl struct {
		Crossed bool `json:"crossed"`
	}
	if err := d.payload(&pl); err != nil {
		return nil, err
	}
	id := d.act.SubjectID
	j, err := d.f.Journey(d.ctx, id)
	if err != nil {
		return nil, err
	}
	drivers, err := d.f.Drivers(d.ctx, id)
	if err != nil {
		return nil, err
	}
	tell := drivers
	if len(tell) == 0 {
		if tell, err = d.f.Managers(d.ctx, j.GroupID); err != nil {
			return nil, err
		}
	}
	n := Notice{Kind: DoubtRaised, URL: journeyURL(id), Thread: journeyThread(id), Topic: j.Title}
	n.Subject = fmt.Sprintf("A rider doubts “%s”", j.Title)
	n.Text = fmt.Sprintf("%s raised a doubt about the journey “%s”. A check-in or a re-pitch may answer it.", d.actor(), j.Title)
	d.add(n, tell)
	if !pl.Crossed {
		return d.out, nil
	}
	riders, err := d.f.Riders(d.ctx, id)
	if err != nil {
		return nil, err
	}
	n = Notice{Kind: JourneyNeedsLeadership, URL: journeyURL(id), Thread: journeyThread(id), Topic: j.Title}
	n.Subject = fmt.Sprintf("“%s” needs leadership", j.Title)
	n.Text = fmt.Sprintf("Enough riders of “%s” doubt it that the journey needs fresh leadership: re-pitch it with new evidence.", j.Title)
	d.add(n, riders, drivers, []wayfare.ID{j.AuthorID})
	return d.out, nil
}

func (d *deriver) moved() ([]Notice, error) {
	id := d.act.SubjectID
	j, err := d.f.Journey(d.ctx, id)
	if err != nil {
		return nil, err
	}
	riders, err := d.f.Riders(d.ctx, id)
	if err != nil {
		return nil, err
	}
	var what string
	switch d.act.Verb {
	case ledger.JourneyDeparted:
		what = "departed"
	case ledger.CheckinPosted:
		what = "has a new check-in"
	case ledger.StopDone:
		what = "reached a stop"
	case ledger.JourneyArrived:
		what = "arrived"
	case ledger.JourneyAbandon:
		what = "was abandoned"
	}
	n := Notice{Kind: JourneyMoved, URL: journeyURL(id), Thread: journeyThread(id), Topic: j.Title}
	n.Subject = fmt.Sprintf("“%s” %s", j.Title, what)
	n.Text = fmt.Sprintf("The journey “%s” you ride %s (%s).", j.Title, what, d.actor())
	d.add(n, riders)
	return d.out, nil
}

func (d *deriver) repitch() ([]Notice, error) {
	id := d.act.SubjectID
	j, err := d.f.Journey(d.ctx, id)
	if err != nil {
		return nil, err
	}
	doubters, err := d.f.Doubters(d.ctx, id)
	if err != nil {
		return nil, err
	}
	n := Notice{Kind: RepitchPosted, URL: journeyURL(id), Thread: journeyThread(id), Topic: j.Title}
	n.Subject = fmt.Sprintf("“%s” was pitched again", j.Title)
	n.Text = fmt.Sprintf("%s answered the doubts about “%s” with a re-pitch. Read it, then reconfirm or leave.", d.actor(), j.Title)
	d.add(n, doubters)
	return d.out, nil
}

func (d *deriver) session() ([]Notice, error) {
	phase := "ideas"
	if d.act.Verb == ledger.SessionMoved {
		var pl struct {
			To string `json:"to"`
		}
		if err := d.payload(&pl); err != nil {
			return nil, err
		}
		if pl.To != "votes" {
			return nil, nil
		}
		phase = "votes"
	}
	id := d.act.SubjectID
	prompt, err := d.f.SessionPrompt(d.ctx, id)
	if err != nil {
		return nil, err
	}
	members, err := d.f.Members(d.ctx, d.act.GroupID)
	if err != nil {
		return nil, err
	}
	n := Notice{Kind: SessionPhase, URL: "/sessions/" + id.String(), Thread: "session:" + id.String(), Topic: prompt}
	n.Subject = fmt.Sprintf("A session is open for %s: “%s”", phase, prompt)
	n.Text = fmt.Sprintf("%s's session “%s” is open for %s. Add yours.", d.actor(), prompt, phase)
	d.add(n, members)
	return d.out, nil
}

// Due is an open round whose time has passed.
type Due struct {
	RoundID wayfare.ID
	PitchID wayfare.ID
	ActID   wayfare.ID // the act that opened the round
	Opener  wayfare.ID
	Title   string
}

// DueNotice tells a round's opener that it awaits closing.
func DueNotice(r Due) Notice {
	return Notice{Kind: RoundDue, ActID: r.ActID, Recipients: []wayfare.ID{r.Opener},
		Key: "due:" + strconv.FormatInt(int64(r.RoundID), 10), URL: pitchURL(r.PitchID) + "#rounds", Thread: pitchThread(r.PitchID), Topic: r.Title,
		Subject: fmt.Sprintf("Your round on “%s” is due", r.Title),
		Text:    fmt.Sprintf("The decision round you opened on “%s” has reached its closing time. Close it to record the decision.", r.Title)}
}

func (d *deriver) webhook() ([]Notice, error) {
	var pl struct {
		URL    string `json:"url"`
		Reason string `json:"reason"`
	}
	if err := d.payload(&pl); err != nil {
		return nil, err
	}
	admins, err := d.f.Admins(d.ctx)
	if err != nil {
		return nil, err
	}
	n := Notice{Kind: WebhookStopped, URL: "/admin/settings#webhooks", Thread: "webhooks", Topic: "Webhooks"}
	n.Subject = "A webhook was disabled: " + pl.URL
	n.Text = fmt.Sprintf("Wayfare stopped delivering acts to %s: %s. Check the endpoint, then register it again.", pl.URL, pl.Reason)
	d.add(n, admins)
	return d.out, nil
}

// signIn tells a person of a new way into their account, whoever made it:
// if it was not them, they learn it in time to act.
func (d *deriver) signIn() ([]Notice, error) {
	person := d.act.SubjectID
	n := Notice{Kind: AccountSignIn, Thread: "account:" + person.String(), Topic: "Your account"}
	if d.act.Verb == ledger.PasswordSet {
		n.URL, n.Subject = "/account", "Your password was set"
		n.Text = "A new password was set for your Wayfare account. If it was not you, set another at once and tell an admin."
	} else {
		var pl struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		}
		if err := d.payload(&pl); err != nil || pl.Kind != "api" {
			return nil, err
		}
		n.URL, n.Subject = "/account/tokens", fmt.Sprintf("A new API token “%s” acts as you", pl.Name)
		n.Text = fmt.Sprintf("An API token named “%s” can now use Wayfare as you. If you did not make it, revoke it and tell an admin.", pl.Name)
	}
	d.addFor(n, true, []wayfare.ID{person})
	return d.out, nil
}
