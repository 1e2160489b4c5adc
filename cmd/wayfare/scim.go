package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
)

// scim makes and lists provisioning tokens: wayfare scim token
// create|list. They are revoked with wayfare token revoke.
func (e *env) scim(ctx context.Context, args []string) error {
	if len(args) < 2 || args[0] != "token" {
		return errors.New("usage: wayfare scim token create|list --data DIR …")
	}
	switch args[1] {
	case "create":
		return e.scimTokenCreate(ctx, args[2:])
	case "list":
		return e.scimTokenList(ctx, args[2:])
	}
	return fmt.Errorf("unknown scim token command %q: create or list", args[1])
}

// scimTokenCreate prints a new provisioning token, and nothing else, on
// standard output. It acts as an admin: the one named, or the first
// active admin.
func (e *env) scimTokenCreate(ctx context.Context, args []string) error {
	fs, data := e.flags("scim token create")
	name := fs.String("name", "provisioning", "what the token is for (the identity provider)")
	expires := fs.String("expires", "", "how long it lasts (`365d`, 12h, …); never when left out")
	email := fs.String("email", "", "the e-mail `address` of the admin it acts as; the first active admin when left out")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	in, err := newToken(*name, *expires)
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	owner, err := provisioningOwner(ctx, db, *email)
	if err != nil {
		return err
	}
	t, err := db.CreateSCIMToken(system(ctx), owner.ID, in)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, t.Token)
	fmt.Fprintf(e.stderr, "The token acts as %s: it ends when they are deactivated, and opens nothing while they are not an admin.\n", owner.Email)
	return nil
}

// provisioningOwner is the admin a provisioning token is made for.
func provisioningOwner(ctx context.Context, db *store.DB, email string) (*people.Person, error) {
	if email != "" {
		p, err := db.PersonByEmail(system(ctx), email)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", email, err)
		}
		return p, nil
	}
	f := people.PersonFilter{Status: people.Active, Page: wayfare.Page{Limit: wayfare.MaxLimit}}
	for {
		page, err := db.People(system(ctx), f)
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			if p.Admin {
				return p, nil
			}
		}
		if len(page) < f.Limit {
			return nil, errors.New("the organization has no active admin: name one with --email")
		}
		f.Cursor = page[len(page)-1].ID
	}
}

// scimTokenList prints every provisioning token.
func (e *env) scimTokenList(ctx context.Context, args []string) error {
	fs, data := e.flags("scim token list")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	tokens, err := db.SCIMTokens(system(ctx))
	if err != nil {
		return err
	}
	return e.printTokens(ctx, db, tokens)
}
