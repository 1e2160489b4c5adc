package web

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/wayfare-org/wayfare"
)

// Forms name their faults in people's words: each field at fault is told
// once above the form, linked to its field, and again next to it.

// fieldLabels are the words a form uses for the fields the services name.
var fieldLabels = map[string]string{
	"group_id":         "Group",
	"status_quo":       "The status quo",
	"better_way":       "The better way",
	"tickets_wanted":   "Tickets wanted",
	"sales_close":      "Sales close",
	"revisit_on":       "Revisit on",
	"merge_into":       "Merge into",
	"due_on":           "Due on",
	"closes_at":        "Answers until",
	"closes_on":        "Answers until",
	"votes_per_person": "Dots per person",
	"current_password": "Current password",
	"new_password":     "New password",
	"confirm_password": "New password, again",
	"expires_at":       "Expires",
	"manager_id":       "Reports to",
	"parent_id":        "Inside",
	"to":               "How it ends",
	"confirm":          "Confirmation",
}

// evidenceFields are the evidence table's columns: their words and the
// prefix of their inputs' ids.
var evidenceFields = map[string][2]string{
	"kind": {"kind", "ek"}, "label": {"what it shows", "el"}, "value": {"value", "ev"},
	"unit": {"unit", "eu"}, "url": {"link", "eh"}, "source": {"source", "es"},
}

var evidenceField = regexp.MustCompile(`^evidence\[(\d+)\]\.(\w+)$`)

// fieldLabel is the words for a field: "status_quo" → "The status quo",
// "evidence[1].url" → "Evidence 2, link".
func fieldLabel(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	if m := evidenceField.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		col := evidenceFields[m[2]][0]
		if col == "" {
			col = m[2]
		}
		return "Evidence " + strconv.Itoa(n+1) + ", " + col
	}
	words := strings.ReplaceAll(strings.TrimSuffix(field, "_id"), "_", " ")
	if words == "" {
		return field
	}
	return strings.ToUpper(words[:1]) + words[1:]
}

// fieldInput is the id of the input a field is typed in: the field's own
// name, but for the evidence table's cells.
func fieldInput(field string) string {
	if m := evidenceField.FindStringSubmatch(field); m != nil {
		if col, ok := evidenceFields[m[2]]; ok {
			return col[1] + m[1]
		}
	}
	return field
}

// fieldProblem is one field at fault, as a form tells it.
type fieldProblem struct {
	Input, Label, Message string
}

// fieldProblems returns the fields a refusal names, or none when it names
// no field.
func fieldProblems(e *wayfare.Error) []fieldProblem {
	if e == nil || e.Field == "" {
		return nil
	}
	var out []fieldProblem
	for _, f := range e.All() {
		out = append(out, fieldProblem{Input: fieldInput(f.Field), Label: fieldLabel(f.Field), Message: f.Message})
	}
	return out
}

// problemFor returns what is wrong with one field ("" when nothing is):
// its label and message, to show next to it.
func problemFor(e *wayfare.Error, field string) string {
	if e == nil {
		return ""
	}
	for _, f := range e.All() {
		if f.Field == field {
			return fieldLabel(field) + " " + f.Message
		}
	}
	return ""
}
