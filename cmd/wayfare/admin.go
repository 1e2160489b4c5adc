package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/wayfare-org/wayfare"
	"github.com/wayfare-org/wayfare/people"
	"github.com/wayfare-org/wayfare/store"
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
		return fmt.Errorf("%s already holds an organization", e.place(*data))
	}
	p, err := db.CreatePerson(system(ctx), people.NewPerson{Name: *name, Email: *email, Admin: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created the organization in %s with admin %s (id %s).\n", e.place(*data), p.Email, p.ID)
	fmt.Fprintf(e.stdout, "Set a password to sign in with: wayfare password %s --email %s  (asks for it)\n", e.placeFlag(*data), p.Email)
	fmt.Fprintf(e.stdout, "Get an API token with: wayfare token create %s --email %s\n", e.placeFlag(*data), p.Email)
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
	if err := e.sqliteOnly("backup", "back up with pg_dump --format=custom (docs/DEPLOY.md)"); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is required")
	}
	if err := requireFolder(*out); err != nil {
		return err
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

// requireFolder checks that the folder a file is to be written in
// exists, and says so plainly when it does not.
func requireFolder(file string) error {
	dir := filepath.Dir(file)
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the folder %s does not exist: create it first, or choose another --out", dir)
	} else if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a folder: choose another --out", dir)
	}
	return nil
}

// password sets a person's password for signing in to the pages, read
// from standard input (so that it stays out of the shell's history and
// the process list) — at a terminal, asked for twice without showing it:
// wayfare password --data DIR --email E.
func (e *env) password(ctx context.Context, args []string) error {
	fs, data := e.flags("password")
	email := fs.String("email", "", "the person's e-mail `address`")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required; the password is read from standard input")
	}
	pw, err := e.readPassword()
	if err != nil {
		return err
	}
	if err := people.ValidatePassword(pw); err != nil {
		return fmt.Errorf("the password: %w", err)
	}
	hash, err := people.HashPassword(pw)
	if err != nil {
		return err
	}
	db, p, err := e.openFor(ctx, *data, *email)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SetPassword(system(ctx), p.ID, hash); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password set for %s\n", p.Email)
	return nil
}

// readPassword reads a password: at a terminal, asked for twice without
// showing it; otherwise the first line of standard input.
func (e *env) readPassword() (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "New password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "The same again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// openFor opens the store and finds the person with the e-mail address;
// the caller closes the store.
func (e *env) openFor(ctx context.Context, data, email string) (*store.DB, *people.Person, error) {
	db, err := e.open(ctx, data)
	if err != nil {
		return nil, nil, err
	}
	p, err := db.PersonByEmail(system(ctx), email)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("%s: %w", email, err)
	}
	return db, p, nil
}
