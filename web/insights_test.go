package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/influence"
)

func TestInsightsDrawsChartsWithTextAlternatives(t *testing.T) {
	s := newSite(t)
	res, body := s.signIn("member").get("/insights")
	if res.StatusCode != 200 {
		t.Fatalf("insights: %d", res.StatusCode)
	}
	var svgs []string // the charts: decorative icons (the bell) are hidden from assistive technology
	for _, svg := range regexp.MustCompile(`<svg [^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(svg, `aria-hidden="true"`) {
			svgs = append(svgs, svg)
		}
	}
	if len(svgs) < 4 {
		t.Fatalf("%d charts, want the percentile, funnel, balance and reach at least:\n%s", len(svgs), body)
	}
	for _, svg := range svgs {
		m := regexp.MustCompile(`aria-labelledby="([^"]+) ([^"]+)"`).FindStringSubmatch(svg)
		if !strings.Contains(svg, `role="img"`) || m == nil {
			t.Errorf("a chart needs role=img and a title and description: %s", svg)
			continue
		}
		if !strings.Contains(body, `<title id="`+m[1]+`">`) || !strings.Contains(body, `<desc id="`+m[2]+`">`) {
			t.Errorf("%s: the title or description is missing", svg)
		}
	}
	for _, want := range []string{
		"Your figures", "<dt>Reach</dt>", // the viewer's own card
		"<desc id=\"funnel-desc\">Pitched: 2, Ready: 1, Decided: 1, Adopted: 1, Arrived: 0.</desc>",
		"The funnel as a table", "People by reach as a table", "The balance as a table",
		"fewer than 5 people wrote the proposals adopted", // one author's adoption: the index is hidden
		"shown to admins only",                            // members see no names
		"fewer than 5 people have made decisions",         // one manager decided: latency hidden
		"Journeys that need leadership",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, `class="top-people"`) {
		t.Error("a member must not see the names of the people of highest influence")
	}
	if strings.Contains(body, "style=") {
		t.Error("the content security policy forbids inline styles")
	}
}

func TestInsightsNamesForAdminsOrWhenShared(t *testing.T) {
	s := newSite(t)
	_, body := s.signIn("admin").get("/insights")
	if !strings.Contains(body, `class="top-people"`) || !strings.Contains(body, ">Author</a>") {
		t.Fatalf("admins see the people of highest influence by name:\n%s", body)
	}
	sys := wayfare.WithActor(context.Background(), wayfare.Actor{System: true})
	if err := s.db.SetInfluencePolicy(sys, influence.Policy{PeopleVisible: true}); err != nil {
		t.Fatal(err)
	}
	if _, body := s.signIn("member").get("/insights"); !strings.Contains(body, ">Author</a>") {
		t.Error("when the organization shares person figures, everyone sees the names")
	}
}
