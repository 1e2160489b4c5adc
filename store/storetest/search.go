package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
)

// testSearch says what searching means on every backend: each word typed
// must appear in the title, the status quo or the better way, in any
// order and case; the last word may be the start of a word (it is being
// typed); punctuation and the operators of any search syntax are plain
// text; nothing typed matches nothing. People are found by a part of
// their name or title, in any case.
func testSearch(t *testing.T, o *org) {
	ctx := context.Background()
	publish := func(title, quo, better string) wayfare.ID {
		t.Helper()
		p, err := o.db.Publish(as(o.eng), leadership.NewPitch{GroupID: o.engineering, Kind: leadership.Proposal,
			Title: title, StatusQuo: quo, BetterWay: better, TicketsWanted: 2})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	cache := publish("Cache the build", "Every build downloads its dependencies again.", "Keep a shared cache of modules.")
	review := publish("Review within a day", "Reviews wait for a week.", "A reviewer on duty answers the same day.")
	night := publish("Night builds are flaky", "The nightly job fails one night in three.", "Retry flaky steps once, and report them.")
	for _, tc := range []struct {
		query string
		want  []wayfare.ID
	}{
		{"cache", []wayfare.ID{cache}},
		{"CACHE Build", []wayfare.ID{cache}},                // any case
		{"build cache", []wayfare.ID{cache}},                // any order
		{"dependencies shared", []wayfare.ID{cache}},        // from the status quo and the better way
		{"buil", []wayfare.ID{night, cache}},                // the last word as typed so far
		{"rev", []wayfare.ID{review}},                       // reviews, reviewer, review
		{"cache flaky", nil},                                // every word must appear
		{"week,", []wayfare.ID{review}},                     // punctuation is not a word
		{"day!", []wayfare.ID{review}},                      // nor an operator
		{`"night" & | ! :* <-> ( ) -`, []wayfare.ID{night}}, // search syntax is plain text
		{"nightly", []wayfare.ID{night}},
		{"nigh", []wayfare.ID{night}},
		{"o'brien", nil},
		{"zebra", nil},
	} {
		got, err := o.db.Pitches(ctx, leadership.PitchFilter{Query: tc.query})
		if err != nil {
			t.Errorf("%q: %v", tc.query, err)
			continue
		}
		var ids []wayfare.ID
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%q found %v, want %v (newest first)", tc.query, ids, tc.want)
		}
	}

	for _, tc := range []struct {
		query string
		want  []wayfare.ID
	}{
		{"LEA", []wayfare.ID{o.lead}},
		{"ce", []wayfare.ID{o.ceo}},
		{"50%", nil}, // the wildcards of LIKE are plain text
		{"_", nil},
	} {
		got, err := o.db.People(system(), people.PersonFilter{Query: tc.query})
		if err != nil {
			t.Errorf("people %q: %v", tc.query, err)
			continue
		}
		var ids []wayfare.ID
		for _, p := range got {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("people %q found %v, want %v", tc.query, ids, tc.want)
		}
	}
}
