package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// token creates, lists and revokes API tokens:
// wayfare token create|list|revoke.
func (e *env) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: wayfare token create|list|revoke --data DIR …")
	}
	switch args[0] {
	case "create":
		return e.tokenCreate(ctx, args[1:])
	case "list":
		return e.tokenList(ctx, args[1:])
	case "revoke":
		return e.tokenRevoke(ctx, args[1:])
	}
	return fmt.Errorf("unknown token command %q: create, list or revoke", args[0])
}

// tokenCreate prints a new API token for a person, and nothing else, on
// standard output.
func (e *env) tokenCreate(ctx context.Context, args []string) error {
	fs, data := e.flags("token create")
	email := fs.String("email", "", "the person's e-mail `address`")
	name := fs.String("name", "command line", "what the token is for")
	expires := fs.String("expires", "", "how long it lasts (`90d`, 12h, …); never when left out")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	in, err := newToken(*name, *expires)
	if err != nil {
		return err
	}
	db, p, err := e.openFor(ctx, *data, *email)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.CreateToken(system(ctx), p.ID, in)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, t.Token)
	return nil
}

// newToken is a token's input from the flags: its name, and how long it
// lasts ("" for ever).
func newToken(name, expires string) (people.NewToken, error) {
	in := people.NewToken{Name: name}
	if expires != "" {
		d, err := parseLife(expires)
		if err != nil {
			return in, err
		}
		at := time.Now().Add(d)
		in.ExpiresAt = &at
	}
	return in, nil
}

// parseLife reads a token's life: a Go duration, or a number of days
// ("90d").
func parseLife(s string) (time.Duration, error) {
	bad := fmt.Errorf("--expires %q: give a duration such as 90d or 12h", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}

// tokenList prints a person's tokens (everyone's without --email).
func (e *env) tokenList(ctx context.Context, args []string) error {
	fs, data := e.flags("token list")
	email := fs.String("email", "", "only this person's tokens")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	f := people.TokenFilter{All: true}
	if *email != "" {
		p, err := db.PersonByEmail(system(ctx), *email)
		if err != nil {
			return fmt.Errorf("%s: %w", *email, err)
		}
		f = people.TokenFilter{PersonID: p.ID}
	}
	tokens, err := db.Tokens(system(ctx), f)
	if err != nil {
		return err
	}
	return e.printTokens(ctx, db, tokens)
}

// printTokens prints tokens as a table, with their owners' e-mail
// addresses.
func (e *env) printTokens(ctx context.Context, db *store.DB, tokens []*people.Token) error {
	emails := map[wayfare.ID]string{}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPERSON\tNAME\tCREATED\tEXPIRES\tLAST USED")
	for _, t := range tokens {
		if _, ok := emails[t.PersonID]; !ok {
			p, err := db.PersonBrief(system(ctx), t.PersonID)
			if err != nil {
				return err
			}
			emails[t.PersonID] = p.Email
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, emails[t.PersonID], t.Name,
			day(&t.CreatedAt, ""), day(t.ExpiresAt, "never"), day(t.LastUsedAt, "never"))
	}
	return tw.Flush()
}

func day(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return t.Local().Format("2006-01-02 15:04")
}

// tokenRevoke ends a token at once, on every running server.
func (e *env) tokenRevoke(ctx context.Context, args []string) error {
	fs, data := e.flags("token revoke")
	id := fs.String("id", "", "the token's `id` (see wayfare token list)")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	tid, err := wayfare.ParseID(*id)
	if err != nil {
		return errors.New("--id is required: the token's id, as wayfare token list shows it")
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.RevokeToken(system(ctx), tid); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "token %s revoked\n", tid)
	return nil
}

// person deactivates or reactivates a person:
// wayfare person deactivate|reactivate --email E.
func (e *env) person(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "deactivate" && args[0] != "reactivate") {
		return errors.New("usage: wayfare person deactivate|reactivate --data DIR --email E")
	}
	status := people.Deactivated
	if args[0] == "reactivate" {
		status = people.Active
	}
	fs, data := e.flags("person " + args[0])
	email := fs.String("email", "", "the person's e-mail `address`")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	db, p, err := e.openFor(ctx, *data, *email)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SetStatus(system(ctx), p.ID, status); err != nil {
		return err
	}
	if status == people.Deactivated {
		fmt.Fprintf(e.stdout, "%s deactivated: their sessions and tokens have ended on every server\n", p.Email)
	} else {
		fmt.Fprintf(e.stdout, "%s reactivated: they may sign in again (their old tokens stay ended)\n", p.Email)
	}
	return nil
}
