package leadership

import (
	"strings"
	"testing"
	"time"

	"github.com/wayfare-org/wayfare"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func valid() NewPitch {
	v := 42.0
	return NewPitch{GroupID: 1, Kind: Proposal, Title: "Pair on reviews", StatusQuo: "Reviews wait two days.",
		BetterWay: "Review in pairs.", TicketsWanted: 5,
		Evidence: []Evidence{{Kind: DataPoint, Label: "Median wait", Value: &v, Unit: "hours", Source: "CI"},
			{Kind: Link, Label: "Write-up", URL: "https://example.test/a"}}}
}

func fieldOf(err error) string {
	if e, ok := wayfare.AsError(err); ok {
		return e.Field
	}
	return ""
}

func TestNewPitchValidate(t *testing.T) {
	past := now.Add(-time.Hour)
	future := now.Add(time.Hour)
	tests := []struct {
		name  string
		edit  func(*NewPitch)
		field string
	}{
		{"valid", func(*NewPitch) {}, ""},
		{"example", func(p *NewPitch) { p.Kind = Example }, ""},
		{"future close", func(p *NewPitch) { p.SalesClose = &future }, ""},
		{"no group", func(p *NewPitch) { p.GroupID = 0 }, "group_id"},
		{"bad kind", func(p *NewPitch) { p.Kind = "memo" }, "kind"},
		{"short title", func(p *NewPitch) { p.Title = "ab" }, "title"},
		{"long title", func(p *NewPitch) { p.Title = strings.Repeat("a", 201) }, "title"},
		{"empty status quo", func(p *NewPitch) { p.StatusQuo = "  " }, "status_quo"},
		{"empty better way", func(p *NewPitch) { p.BetterWay = "" }, "better_way"},
		{"zero tickets", func(p *NewPitch) { p.TicketsWanted = 0 }, "tickets_wanted"},
		{"too many tickets", func(p *NewPitch) { p.TicketsWanted = MaxTicketsWanted + 1 }, "tickets_wanted"},
		{"past close", func(p *NewPitch) { p.SalesClose = &past }, "sales_close"},
		{"evidence kind", func(p *NewPitch) { p.Evidence[0].Kind = "rumour" }, "evidence[0].kind"},
		{"data without value", func(p *NewPitch) { p.Evidence[0].Value = nil }, "evidence[0].value"},
		{"link without url", func(p *NewPitch) { p.Evidence[1].URL = "" }, "evidence[1].url"},
		{"script url", func(p *NewPitch) { p.Evidence[1].URL = "javascript:alert(1)" }, "evidence[1].url"},
		{"evidence without label", func(p *NewPitch) { p.Evidence[1].Label = "" }, "evidence[1].label"},
		{"too much evidence", func(p *NewPitch) { p.Evidence = make([]Evidence, MaxEvidence+1) }, "evidence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.edit(&p)
			if got := fieldOf(p.Validate(now)); got != tt.field {
				t.Errorf("field = %q, want %q", got, tt.field)
			}
		})
	}
}

func TestReady(t *testing.T) {
	tests := []struct {
		kind         Kind
		status       Status
		sold, wanted int
		want         bool
	}{
		{Proposal, Selling, 4, 5, false},
		{Proposal, Selling, 5, 5, true},
		{Proposal, Selling, 9, 5, true},
		{Proposal, Deferred, 5, 5, true}, // waits for a decision again
		{Proposal, Adopted, 9, 5, false}, // decided: no longer a signal
		{Proposal, Declined, 9, 5, false},
		{Example, Showing, 9, 5, false}, // an example needs no decision
	}
	for _, tt := range tests {
		if got := Ready(tt.kind, tt.status, tt.sold, tt.wanted); got != tt.want {
			t.Errorf("Ready(%s, %s, %d, %d) = %v", tt.kind, tt.status, tt.sold, tt.wanted, got)
		}
	}
}

func TestSales(t *testing.T) {
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	tests := []struct {
		name        string
		s           Sales
		buy, refund string // expected error codes, "" for allowed
	}{
		{"selling", Sales{Status: Selling}, "", ""},
		{"selling before close", Sales{Status: Selling, SalesClose: &future}, "", ""},
		{"selling after close", Sales{Status: Selling, SalesClose: &past}, wayfare.ECONFLICT, ""},
		{"deferred", Sales{Status: Deferred}, "", ""},
		{"example", Sales{Status: Showing, SalesClose: &past}, "", ""},
		{"adopted, boarding", Sales{Status: Adopted}, "", ""},
		{"adopted, departed", Sales{Status: Adopted, Departed: true}, wayfare.ECONFLICT, wayfare.ECONFLICT},
		{"declined", Sales{Status: Declined}, wayfare.ECONFLICT, ""},
		{"merged", Sales{Status: Merged}, wayfare.ECONFLICT, ""},
		{"withdrawn", Sales{Status: Withdrawn}, wayfare.ECONFLICT, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wayfare.ErrorCode(tt.s.CanBuy(now)); got != tt.buy {
				t.Errorf("CanBuy = %q, want %q", got, tt.buy)
			}
			if got := wayfare.ErrorCode(tt.s.CanRefund()); got != tt.refund {
				t.Errorf("CanRefund = %q, want %q", got, tt.refund)
			}
		})
	}
}

func TestNewRepitchValidate(t *testing.T) {
	if err := (&NewRepitch{Message: "Here is why"}).Validate(); err != nil {
		t.Fatal(err)
	}
	if f := fieldOf((&NewRepitch{Message: " "}).Validate()); f != "message" {
		t.Fatalf("empty message field = %q", f)
	}
	if f := fieldOf((&NewRepitch{Message: "x", Evidence: []Evidence{{Kind: Link, Label: "l"}}}).Validate()); f != "evidence[0].url" {
		t.Fatalf("evidence field = %q", f)
	}
}

func TestCanWithdraw(t *testing.T) {
	for _, tt := range []struct {
		name           string
		person, author wayfare.ID
		status         Status
		want           string
	}{
		{"the author, selling", 1, 1, Selling, ""},
		{"the author, an example showing", 1, 1, Showing, ""},
		{"someone else", 2, 1, Selling, wayfare.EFORBIDDEN},
		{"the author, decided", 1, 1, Adopted, wayfare.ECONFLICT},
		{"the author, withdrawn already", 1, 1, Withdrawn, wayfare.ECONFLICT},
	} {
		if got := wayfare.ErrorCode(CanWithdraw(tt.person, tt.author, tt.status)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
