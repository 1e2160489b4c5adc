package wayfare_test

import (
	"errors"
	"testing"

	"github.com/wayfare-org/wayfare"
)

func TestFields(t *testing.T) {
	var f wayfare.Fields
	if f.Err() != nil {
		t.Fatal("no error kept, yet an error")
	}
	if !f.Add(nil) || !f.Add(wayfare.FieldError("title", "is required")) {
		t.Fatal("nil and a field error are kept")
	}
	if f.Add(errors.New("disk full")) || f.Add(wayfare.Forbidden("only-management-decides", "no")) {
		t.Fatal("an error that names no field is not the form's to show")
	}
	more := wayfare.Fields{wayfare.FieldError("kind", "is wrong"), wayfare.FieldError("title", "is too long")}
	f.Add(more.Err()) // an error carrying others: each is kept, title once
	e, _ := wayfare.AsError(f.Err())
	all := e.All()
	if len(all) != 2 || all[0].Field != "title" || all[0].Message != "is required" || all[1].Field != "kind" {
		t.Fatalf("kept %v, want title (the first told) then kind", all)
	}
	if e.Field != "title" || len(e.More) != 1 {
		t.Errorf("the error is the first, with the others in More: %+v", e)
	}
}
