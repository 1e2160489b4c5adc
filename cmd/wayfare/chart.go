package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/wayfare-org/wayfare/people"
)

// importChart reads an organization chart (people.csv) into the data:
// wayfare import [--data DIR] [--dry-run] FILE ("-" for standard input).
func (e *env) importChart(ctx context.Context, args []string) error {
	fs, data := e.flags("import")
	dry := fs.Bool("dry-run", false, "check the chart and say what would change, writing nothing")
	file, err := e.parseWithFile(fs, args)
	if err != nil {
		return err
	}
	if file == "" {
		return errors.New("usage: wayfare import [--data DIR] [--dry-run] people.csv")
	}
	var in io.Reader = e.stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	chart, err := people.ReadChart(in)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.ImportChart(system(ctx), chart, *dry)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if *dry {
		fmt.Fprintf(e.stdout, "dry run, nothing written: %s would change: %s\n", file, res)
		return nil
	}
	fmt.Fprintf(e.stdout, "imported %s: %s\n", file, res)
	return nil
}

// exportChart writes the organization as a chart that import reads back:
// wayfare export [--data DIR] [--out FILE] (standard output by default).
func (e *env) exportChart(ctx context.Context, args []string) error {
	fs, data := e.flags("export")
	out := fs.String("out", "", "the `file` to write (standard output when left out)")
	all := fs.Bool("all", false, "the whole organization as one JSON file (docs/EXPORT.md), not the org chart")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *all {
		return e.exportAll(ctx, *data, *out)
	}
	db, err := e.open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	chart, err := db.ExportChart(system(ctx))
	if err != nil {
		return err
	}
	if *out == "" {
		return people.WriteChart(e.stdout, chart)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := people.WriteChart(f, chart); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "exported %d people to %s\n", len(chart.Rows), *out)
	return nil
}

// parseWithFile parses flags given before or after one file argument.
func (e *env) parseWithFile(fs interface {
	Parse([]string) error
	NArg() int
	Args() []string
}, args []string) (string, error) {
	var file string
	for {
		if err := fs.Parse(args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			return file, nil
		}
		if file != "" {
			return "", fmt.Errorf("unexpected argument %q", fs.Args()[0])
		}
		file, args = fs.Args()[0], fs.Args()[1:]
	}
}
