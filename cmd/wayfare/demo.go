package main

import (
	"context"
	"fmt"

	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/demo"
	"github.com/wayfare-org/wayfare/notifications"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// demoData is where the demo keeps its data unless told otherwise.
const demoData = "wayfare-demo"

// demo generates a demo organization when the data is empty, then serves
// it and prints how to get in.
func (e *env) demo(ctx context.Context, args []string) error {
	fs, data := e.flags("demo")
	if f := fs.Lookup("data"); f.DefValue == "" {
		f.DefValue = demoData
		_ = f.Value.Set(demoData)
	}
	o := e.serveFlags(fs)
	n := fs.Int("people", demo.DefaultPeople, "how many `people` the organization has")
	seed := fs.Uint64("seed", demo.DefaultSeed, "the `seed` that picks the organization")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if err := o.signIn.prepare(ctx); err != nil {
		return err
	}
	lock, err := e.holdUnlessShared(*data)
	if err != nil {
		return err
	}
	defer lock.release()
	clock := demo.NewClock()
	db, err := e.openWith(ctx, *data, clock.Now)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := e.demoGenerate(ctx, db, clock, *data, *n, *seed); err != nil {
		return err
	}
	personas, tokens, err := demoTokens(ctx, db)
	if err != nil {
		return fmt.Errorf("%s holds an organization that is not a demo one (%w); serve it with wayfare serve", *data, err)
	}
	return e.listen(ctx, db, o, func(url string) {
		e.printDemo(url, *data, personas, tokens)
	})
}

// demoGenerate writes the organization unless the store holds one.
func (e *env) demoGenerate(ctx context.Context, db *store.DB, clock *demo.Clock, data string, n int, seed uint64) error {
	existing, err := db.People(system(ctx), people.PersonFilter{Page: wayfare.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		fmt.Fprintf(e.stdout, "Using the organization already in %s (remove the directory for a fresh one).\n", data)
		return nil
	}
	fmt.Fprintf(e.stdout, "Generating a demo organization of %d people in %s (seed %d)…\n", n, data, seed)
	start := time.Now()
	res, err := demo.Generate(ctx, db, demo.Options{People: n, Seed: seed, Clock: clock,
		Progress: func(msg string) { fmt.Fprintf(e.stdout, "  %s\n", msg) }})
	if err != nil {
		return fmt.Errorf("%w (remove %s before trying again)", err, data)
	}
	// The history's notifications fill the inboxes now, with no mail: a
	// mail server given to the demo hears of what happens from here on.
	w := notifications.NewWorker(notifications.Config{Store: db, Holder: "demo", Logger: e.log})
	if err := w.Cycle(ctx); err != nil {
		return err
	}
	if err := db.Release(ctx, notifications.LeaseName, "demo"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Generated in %s: %s.\n", time.Since(start).Round(10*time.Millisecond), res)
	return nil
}

// demoTokens issues a fresh API token for each persona.
func demoTokens(ctx context.Context, db *store.DB) ([]demo.Persona, []string, error) {
	personas, err := demo.Personas(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	tokens := make([]string, len(personas))
	for i, p := range personas {
		t, err := db.CreateToken(system(ctx), p.ID, people.NewToken{Name: "demo"})
		if err != nil {
			return nil, nil, err
		}
		tokens[i] = t.Token
	}
	return personas, tokens, nil
}

func (e *env) printDemo(url, data string, personas []demo.Persona, tokens []string) {
	w := e.stdout
	fmt.Fprintf(w, "\nWayfare demo is serving at %s\n\n", url)
	fmt.Fprintf(w, "Open it and sign in as any of these people; every demo person's password is %q.\n", demo.Password)
	fmt.Fprintln(w, "Each persona also has an API token made just now:")
	for i, p := range personas {
		fmt.Fprintf(w, "  %-20s %-18s %s\n  %-20s token %s\n", p.Role, p.Name, p.Email, "", tokens[i])
	}
	fmt.Fprintf(w, "\nTry the API as %s:\n", personas[0].Name)
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer %s\" \"%s/api/v1/pitches?limit=5\"\n\n", tokens[0], url)
	fmt.Fprintf(w, "More tokens: wayfare token create %s --email E\n", e.placeFlag(data))
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}
