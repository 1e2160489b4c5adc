package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
)

// system is the command line's actor: with direct access to the data, it
// is trusted like an admin.
func system(ctx context.Context) context.Context {
	return wayfare.WithActor(ctx, wayfare.Actor{System: true})
}

func (e *env) init(ctx context.Context, args []string) error {
	fs, data := e.flags("init")
	email := fs.String("admin-email", "", "the admin's e-mail `address`")
	name := fs.String("admin-name", "", "the admin's `name`")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return errors.New("--admin-email and --admin-name are required")
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	existing, err := db.People(system(ctx), people.PersonFilter{Page: wayfare.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return fmt.Errorf("%s already holds an organization", *data)
	}
	p, err := db.CreatePerson(system(ctx), people.NewPerson{Name: *name, Email: *email, Admin: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created the organization in %s with admin %s (id %s).\n", *data, p.Email, p.ID)
	fmt.Fprintf(e.stdout, "Get an API token with: wayfare token create --data %s --email %s\n", *data, p.Email)
	return nil
}

func (e *env) tokenCreate(ctx context.Context, args []string) error {
	fs, data := e.flags("token create")
	email := fs.String("email", "", "the person's e-mail `address`")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := db.PersonByEmail(system(ctx), *email)
	if err != nil {
		return fmt.Errorf("%s: %w", *email, err)
	}
	token, err := db.CreateToken(system(ctx), p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, token)
	return nil
}

func (e *env) migrate(ctx context.Context, args []string) error {
	fs, data := e.flags("migrate")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx, *data) // opening applies the migrations
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schema version %d\n", v)
	return nil
}

func (e *env) backup(ctx context.Context, args []string) error {
	fs, data := e.flags("backup")
	out := fs.String("out", "", "the backup `file` to write")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is required")
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up to %s\n", *out)
	return nil
}
