package influence

import (
	"testing"

	"github.com/wayfare-org/wayfare"
)

func TestPrivacy(t *testing.T) {
	me := wayfare.Actor{PersonID: 1}
	admin := wayfare.Actor{PersonID: 2, Admin: true}
	cli := wayfare.Actor{System: true}
	anon := wayfare.Actor{}
	closed, open := Policy{}, Policy{PeopleVisible: true}
	tests := []struct {
		name   string
		a      wayfare.Actor
		person wayfare.ID
		p      Policy
		code   string
	}{
		{"people see their own figures", me, 1, closed, ""},
		{"not others'", me, 3, closed, wayfare.EFORBIDDEN},
		{"unless the organization shows them", me, 3, open, ""},
		{"admins see everyone's", admin, 3, closed, ""},
		{"the command line is trusted like an admin", cli, 3, closed, ""},
		{"nobody signed in sees nothing", anon, 1, open, wayfare.EUNAUTHORIZED},
	}
	for _, tt := range tests {
		err := MaySeePerson(tt.a, tt.person, tt.p)
		if got := wayfare.ErrorCode(err); got != tt.code {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
		}
		if e, ok := wayfare.AsError(err); ok && e.Code == wayfare.EFORBIDDEN && e.Rule != RulePrivacy {
			t.Errorf("%s: the refusal must name the rule: %+v", tt.name, e)
		}
	}
	if MaySeeEveryone(me, closed) || !MaySeeEveryone(me, open) || !MaySeeEveryone(admin, closed) || MaySeeEveryone(anon, open) {
		t.Error("MaySeeEveryone: admins and the command line always; others when the organization allows")
	}
	if MaySeeOrg(me) != nil || wayfare.ErrorCode(MaySeeOrg(anon)) != wayfare.EUNAUTHORIZED {
		t.Error("organization figures are aggregates for anyone signed in")
	}
	if !Hidden(4) || Hidden(5) {
		t.Error("aggregates over fewer than five people are hidden")
	}
}

func TestFollowsPrivate(t *testing.T) {
	private, open := Policy{FollowsPrivate: true}, Policy{}
	reader, admin := wayfare.Actor{PersonID: 2}, wayfare.Actor{PersonID: 3, Admin: true}
	bought := &wayfare.Act{PersonID: 7, Function: wayfare.Follower, Verb: "ticket.bought"}
	pitched := &wayfare.Act{PersonID: 7, Function: wayfare.Leadership, Verb: "pitch.published"}
	tests := []struct {
		name   string
		a      wayfare.Actor
		p      Policy
		act    *wayfare.Act
		person wayfare.ID
	}{
		{"follows open: anyone sees who bought", reader, open, bought, 7},
		{"follows private: another reader does not", reader, private, bought, 0},
		{"follows private: anonymous does not", wayfare.Actor{}, private, bought, 0},
		{"follows private: the person sees their own", wayfare.Actor{PersonID: 7}, private, bought, 7},
		{"follows private: an admin sees", admin, private, bought, 7},
		{"follows private: the command line sees", wayfare.Actor{System: true}, private, bought, 7},
		{"follows private: leadership stays named", reader, private, pitched, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.a, tt.p, tt.act); got.PersonID != tt.person {
				t.Errorf("person = %d, want %d", got.PersonID, tt.person)
			}
			if tt.act.PersonID != 7 {
				t.Fatal("Redact changed the act it was given")
			}
			if got := MaySeeFollower(tt.a, tt.p, 7); tt.act.Function == wayfare.Follower && got != (tt.person == 7) {
				t.Errorf("MaySeeFollower = %v", got)
			}
		})
	}
}
