package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

func TestAnalyticsAndReport(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WAYFARE_DATA": dir}
	if _, err := cli(t, env, "init", "--admin-email", "root@example.test", "--admin-name", "Root"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	sys := system(ctx)
	g, err := db.CreateGroup(sys, people.NewGroup{Name: "Team"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []wayfare.ID
	for i := range 5 {
		p, err := db.CreatePerson(sys, people.NewPerson{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.test", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	as := func(id wayfare.ID) context.Context { return wayfare.WithActor(ctx, wayfare.Actor{PersonID: id}) }
	p, err := db.Publish(as(ids[0]), leadership.NewPitch{GroupID: g.ID, Kind: leadership.Proposal, Title: "Weekly demos",
		StatusQuo: "Work is shown late.", BetterWay: "Show it weekly.", TicketsWanted: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[1:] {
		if _, _, err := db.BuyTicket(as(id), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	out, err := cli(t, env, "analytics", "rebuild")
	if err != nil || !strings.Contains(out, "influence figures of 6 people") || !strings.Contains(out, "1 pitched, 1 ready, 0 decided") {
		t.Fatalf("analytics rebuild: %q %v", out, err)
	}
	out, err = cli(t, env, "report", "--top", "3")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	var header, first string
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			header, first = l, lines[i+1]
		}
	}
	if !strings.Contains(out, "1 pitched → 1 ready") || !strings.HasPrefix(first, "1  Person 0") ||
		strings.Index(header, "Reach") != strings.Index(first, "4 ") {
		t.Fatalf("report: the top person must be Person 0, reach 4, aligned under the header:\n%s", out)
	}
	if rows := strings.Split(strings.TrimSpace(out[strings.Index(out, header):]), "\n"); len(rows) != 4 {
		t.Errorf("report --top 3 lists three people:\n%s", out)
	}
	if out, err := cli(t, env, "analytics", "share", "on"); err != nil || !strings.Contains(out, "Everyone") {
		t.Fatalf("analytics share on: %q %v", out, err)
	}
	if out, err := cli(t, env, "analytics", "private-follows", "on"); err != nil || !strings.Contains(out, "admins only") {
		t.Fatalf("analytics private-follows on: %q %v", out, err)
	}
	if out, err := cli(t, env, "analytics", "private-follows", "maybe"); err == nil {
		t.Fatalf("analytics private-follows maybe: %q", out)
	}
	db, err = store.Open(ctx, store.Config{Path: filepath.Join(dir, "wayfare.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p, err := db.InfluencePolicy(sys); err != nil || !p.PeopleVisible || !p.FollowsPrivate {
		t.Fatalf("after share on and private-follows on, the policy is %+v (%v)", p, err)
	}
	if _, err := cli(t, env, "analytics", "fly"); err == nil {
		t.Fatal("an unknown analytics command must fail")
	}
}
