package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wayfare-org/wayfare/influence"
)

// analyticsUsage lists the verbs of "wayfare analytics".
const analyticsUsage = "usage: wayfare analytics rebuild --data DIR | wayfare analytics share on|off --data DIR | wayfare analytics private-follows on|off --data DIR"

// analytics runs the verbs of "wayfare analytics": rebuild recomputes the
// influence figures; share turns person figures for everyone on or off;
// private-follows shows who acted as a follower to admins only, or to
// everyone again.
func (e *env) analytics(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(analyticsUsage)
	}
	switch args[0] {
	case "rebuild":
		return e.analyticsRebuild(ctx, args[1:])
	case "share":
		return e.analyticsShare(ctx, args[1:])
	case "private-follows":
		return e.analyticsPrivateFollows(ctx, args[1:])
	}
	return fmt.Errorf("unknown analytics command %q", args[0])
}

func (e *env) analyticsRebuild(ctx context.Context, args []string) error {
	fs, data := e.flags("analytics rebuild")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	s, err := db.RebuildInfluence(ctx)
	if err != nil {
		return err
	}
	f := s.Org.Funnel
	who := "people"
	if s.Org.People == 1 {
		who = "person"
	}
	fmt.Fprintf(e.stdout, "Recomputed the influence figures of %d %s in %s.\n", s.Org.People, who, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "Funnel: %d pitched, %d ready, %d decided, %d adopted, %d arrived; bottom-up index %s; leadership spread %s; %d journeys need leadership.\n",
		f.Pitched, f.Ready, f.Decided, f.Adopted, f.Arrived, percent(s.Org.BottomUpIndex), decimal(s.Org.LeadershipSpread), s.Org.JourneysNeedingLeadership)
	return nil
}

func (e *env) analyticsShare(ctx context.Context, args []string) error {
	return e.analyticsSetting(ctx, "share", args, func(p *influence.Policy, on bool) string {
		p.PeopleVisible = on
		if on {
			return "Everyone signed in now sees everyone's influence figures."
		}
		return "People now see their own influence figures; admins see everyone's."
	})
}

func (e *env) analyticsPrivateFollows(ctx context.Context, args []string) error {
	return e.analyticsSetting(ctx, "private-follows", args, func(p *influence.Policy, on bool) string {
		p.FollowsPrivate = on
		if on {
			return "Who bought, refunded, doubted, reconfirmed, left, posted an idea, dotted or answered a round is now shown to admins only (and to each person for their own acts)."
		}
		return "Everyone signed in now sees who acted as a follower again."
	})
}

// analyticsSetting turns one of the organization's analytics settings on
// or off; set changes the policy and says what the change means.
func (e *env) analyticsSetting(ctx context.Context, verb string, args []string, set func(p *influence.Policy, on bool) string) error {
	if len(args) == 0 || (args[0] != "on" && args[0] != "off") {
		return fmt.Errorf("usage: wayfare analytics %s on|off --data DIR", verb)
	}
	fs, data := e.flags("analytics " + verb)
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.InfluencePolicy(system(ctx))
	if err != nil {
		return err
	}
	said := set(&p, args[0] == "on")
	if err := db.SetInfluencePolicy(system(ctx), p); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, said)
	return nil
}

// report prints the organization's figures and the top people by
// influence rank as aligned text tables.
func (e *env) report(ctx context.Context, args []string) error {
	fs, data := e.flags("report")
	top := fs.Int("top", 10, "how many `people` to list")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.InfluenceOrg(system(ctx))
	if err != nil {
		return err
	}
	people, err := db.InfluenceTop(system(ctx), max(0, *top))
	if err != nil {
		return err
	}
	return writeReport(e.stdout, org, people)
}

func writeReport(out io.Writer, org *influence.OrgFigures, top []influence.Ranked) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	f := org.Funnel
	fmt.Fprintf(w, "Organization\t%d people, computed %s\n", org.People, org.ComputedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(w, "Funnel\t%d pitched → %d ready → %d decided → %d adopted → %d arrived\n", f.Pitched, f.Ready, f.Decided, f.Adopted, f.Arrived)
	fmt.Fprintf(w, "Bottom-up index\t%s\n", percent(org.BottomUpIndex))
	fmt.Fprintf(w, "Leadership spread\t%s\n", decimal(org.LeadershipSpread))
	fmt.Fprintf(w, "Decision latency\t%s\n", latency(org.DecisionLatency))
	fmt.Fprintf(w, "Journeys needing leadership\t%d\n\n", org.JourneysNeedingLeadership)
	fmt.Fprintln(w, "Levels\tPeople\tLeadership acts\tManagement acts")
	for _, b := range org.BalanceByLevel {
		levels := strconv.Itoa(b.FromLevel)
		if b.ToLevel != b.FromLevel {
			levels += "–" + strconv.Itoa(b.ToLevel)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\n", levels, b.People, b.Leadership, b.Management)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "#\tName\tRank\tReach\tCross-boundary\tUpward\tAdoptions\tAdoption rate\tDecisions\tJourneys")
	for _, p := range top {
		fmt.Fprintf(w, "%d\t%s\t%.4f\t%d\t%d\t%d\t%d\t%s\t%d\t%d\n", p.Position, oneLine(p.Name), p.InfluenceRank, p.Reach,
			p.CrossBoundaryReach, p.UpwardReach, p.ExampleAdoptions, percent(p.AdoptionRate), p.DecisionsMade, p.JourneysDriven)
	}
	return w.Flush()
}

// oneLine keeps a name from breaking the table.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func percent(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", *p*100)
}

func decimal(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *p)
}

func latency(l *influence.Latency) string {
	if l == nil {
		return "–"
	}
	d := func(s float64) time.Duration { return (time.Duration(s) * time.Second).Round(time.Minute) }
	return fmt.Sprintf("median %s, p90 %s over %d decisions", d(l.Median), d(l.P90), l.Count)
}
