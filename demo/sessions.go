package demo

import (
	"context"
	"fmt"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// scheduleFacilitation adds the last days' facilitation to the history:
// three sessions in different phases (one anonymous, one open for dot
// votes, one with results and an idea its author pitched) and two
// decision rounds, one open and one closed. Everything is fixed, so the
// same seed gives the same sessions.
func (pl *player) scheduleFacilitation(o *org) {
	end := pl.cal.end()
	payments, support, exec := o.find("Payments"), o.find("Tier 1 Support"), o.exec
	maya := o.byEmail[emailEngineer]
	var results, votes, cluster wayfare.ID
	var ideas []*management.Idea
	var mayaPitch wayfare.ID
	act := func(at wt, name string, do func(ctx context.Context) error) {
		pl.schedule(at, "facilitation: "+name, do)
	}

	// Payments: a session that went all the way to results.
	act(end-4*day+hour, "open the Payments session", func(ctx context.Context) error {
		s, err := pl.db.OpenSession(as(ctx, payments.manager), management.NewSession{GroupID: payments.id,
			Prompt: "What slows our releases down the most?", VotesPerPerson: 3})
		if s != nil {
			results = s.ID
		}
		return err
	})
	texts := []string{"The staging database is weeks old", "Reviews wait a day for a second approver",
		"Release notes are written by hand", "Feature flags are cleaned up by nobody", "Nobody knows who may approve a hotfix"}
	authors := append([]*person{maya}, payments.members...)
	for i, text := range texts {
		who := authors[i%len(authors)]
		if i > 0 && who == maya {
			who = payments.members[len(payments.members)-1]
		}
		act(end-4*day+2*hour+wt(i)*10*minute, "an idea", func(ctx context.Context) error {
			idea, err := pl.db.PostIdea(as(ctx, who), results, management.NewIdea{Text: text})
			ideas = append(ideas, idea)
			return err
		})
	}
	act(end-4*day+4*hour, "cluster the Payments ideas", func(ctx context.Context) error {
		mgr := as(ctx, payments.manager)
		if _, err := pl.db.MovePhase(mgr, results, management.Clusters); err != nil {
			return err
		}
		c, err := pl.db.MakeCluster(mgr, results, management.NewCluster{Title: "Waiting on people",
			IdeaIDs: []wayfare.ID{ideas[1].ID, ideas[4].ID}})
		if err != nil {
			return err
		}
		cluster = c.ID
		_, err = pl.db.MovePhase(mgr, results, management.Votes)
		return err
	})
	// Dots lean towards a few ideas, as they do; one voter dots the cluster.
	prefer := []int{0, 1, 0, 4, 2, 0, 1, 4, 0, 3, 1, 0}
	for i, who := range append([]*person{payments.manager}, payments.members...) {
		act(end-4*day+5*hour+wt(i)*5*minute, "dot votes", func(ctx context.Context) error {
			for k := range 3 {
				in := management.NewVote{IdeaID: &ideas[prefer[(3*i+k)%len(prefer)]].ID}
				if i == 1 && k == 2 {
					in = management.NewVote{ClusterID: &cluster}
				}
				if _, err := pl.db.CastVote(as(ctx, who), results, in); err != nil {
					return err
				}
			}
			return nil
		})
	}
	act(end-4*day+8*hour, "show the results", func(ctx context.Context) error {
		_, err := pl.db.MovePhase(as(ctx, payments.manager), results, management.Results)
		return err
	})
	act(end-3*day+2*hour, "Maya pitches her idea", func(ctx context.Context) error {
		p, err := pl.db.PitchIdea(as(ctx, maya), results, ideas[0].ID, management.IdeaPitch{
			Title:     "Refresh the staging database every night",
			StatusQuo: "The staging database is copied from production by hand every few weeks. Bugs that depend on recent data only show up in production.",
			BetterWay: "A nightly job copies production into staging with personal data masked, so that every morning's tests run on yesterday's data.",
			Evidence: []leadership.Evidence{{Kind: leadership.DataPoint, Label: "Production bugs last quarter that staging data could have caught",
				Value: ptr(9.0), Unit: "bugs", Source: "Incident reviews"}},
			TicketsWanted: ptr(6)})
		if p != nil {
			mayaPitch = p.ID
		}
		return err
	})
	// An advice round on Maya's pitch, open.
	act(end-2*day+hour, "an advice round on Maya's pitch", func(ctx context.Context) error {
		r, err := pl.db.OpenRound(as(ctx, payments.manager), mayaPitch, management.NewRound{Method: management.Advice,
			ClosesAt: pl.cal.at(end).AddDate(0, 0, 10)})
		if err != nil {
			return err
		}
		for i, advice := range []string{"Yes, but keep last week's copy too, so that a bad night does not stop testing.",
			"Mask the data first and show the masking to Security."} {
			if _, _, err := pl.db.Respond(as(ctx, payments.members[(i+1)%len(payments.members)]), r.ID, management.NewResponse{Advice: advice}); err != nil {
				return err
			}
		}
		return nil
	})

	// Tier 1 Support: anonymous, open for dot votes.
	act(end-2*day+3*hour, "open the anonymous Support session", func(ctx context.Context) error {
		s, err := pl.db.OpenSession(as(ctx, support.manager), management.NewSession{GroupID: support.id,
			Prompt: "What makes a hard day on the queue harder?", Anonymous: true, VotesPerPerson: 2})
		if err != nil {
			return err
		}
		votes = s.ID
		var first wayfare.ID
		for i, text := range []string{"Angry customers escalated to us with no context", "Macros that are out of date",
			"No way to tell engineering an incident is starting", "Too many tabs to answer one ticket"} {
			idea, err := pl.db.PostIdea(as(ctx, support.members[i%len(support.members)]), votes, management.NewIdea{Text: text})
			if err != nil {
				return err
			}
			if i == 2 {
				first = idea.ID
			}
		}
		if _, err := pl.db.MovePhase(as(ctx, support.manager), votes, management.Votes); err != nil {
			return err
		}
		for _, who := range support.members[1:min(4, len(support.members))] {
			if _, err := pl.db.CastVote(as(ctx, who), votes, management.NewVote{IdeaID: &first}); err != nil {
				return err
			}
		}
		return nil
	})

	// The Executive team: collecting ideas; a VP pitched hers at once, and
	// the team voted it through in a round.
	act(end-day+2*hour, "open the Executive session", func(ctx context.Context) error {
		ceo, vp := as(ctx, exec.manager), as(ctx, o.byEmail[emailVP])
		s, err := pl.db.OpenSession(ceo, management.NewSession{GroupID: exec.id,
			Prompt: "Which two bets should we make next half-year?", VotesPerPerson: 2})
		if err != nil {
			return err
		}
		bet, err := pl.db.PostIdea(vp, s.ID, management.NewIdea{Text: "Write every bet on one page, with how we will know it worked"})
		if err != nil {
			return err
		}
		for i, text := range []string{"Self-serve sign-up for small customers", "Fewer, longer planning cycles"} {
			if _, err := pl.db.PostIdea(as(ctx, exec.members[(i+1)%len(exec.members)]), s.ID, management.NewIdea{Text: text}); err != nil {
				return err
			}
		}
		p, err := pl.db.PitchIdea(vp, s.ID, bet.ID, management.IdeaPitch{Title: "One page per bet, with its measure of success",
			StatusQuo:     "Our half-year bets live in slide decks; six months later nobody can say what success was supposed to look like.",
			BetterWay:     "Every bet gets one page: the problem, the bet, the measure that tells us it worked, and who drives it. The pages are public.",
			TicketsWanted: ptr(4)})
		if err != nil {
			return err
		}
		r, err := pl.db.OpenRound(ceo, p.ID, management.NewRound{Method: management.VoteRound, ClosesAt: pl.cal.at(end).AddDate(0, 0, 3)})
		if err != nil {
			return err
		}
		voters := append([]*person{exec.manager}, exec.members...)
		for i, who := range voters[:min(5, len(voters))] {
			choice := management.ChooseAdopt
			if i%3 == 2 {
				choice = management.ChooseDecline
			}
			if _, _, err := pl.db.Respond(as(ctx, who), r.ID, management.NewResponse{Choice: choice}); err != nil {
				return fmt.Errorf("vote of %s: %w", who.email, err)
			}
		}
		_, d, err := pl.db.CloseRound(ceo, r.ID, management.Closing{Rationale: "The team voted; the majority is for it."})
		if err != nil || d.JourneyID == nil {
			return err
		}
		if err := pl.db.NameDriver(ceo, *d.JourneyID, o.byEmail[emailVP].id); err != nil {
			return err
		}
		_, err = pl.db.AddStop(ceo, *d.JourneyID, management.NewStop{Title: "First bet pages published",
			DueOn: pl.cal.at(end).AddDate(0, 1, 0).Format("2006-01-02")})
		return err
	})
}

func ptr[T any](v T) *T { return &v }
