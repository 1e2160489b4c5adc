package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wayfare-org/wayfare"
)

// stateFile, beside the seeded database, records what was seeded: the ids
// and API tokens the load needs (the database keeps only token hashes). A
// seeded directory with it is reused as it is.
const stateFile = "bench-state.json"

// State is the seeded data set as the bench knows it.
type State struct {
	Scale           int          `json:"scale"`
	AdminToken      string       `json:"admin_token"`
	People          []wayfare.ID `json:"people"`  // ids, by index
	Tokens          []string     `json:"tokens"`  // API tokens, by person index
	Groups          []wayfare.ID `json:"groups"`  // ids, by index
	Pitches         []wayfare.ID `json:"pitches"` // ids, by index
	TicketsPerPitch int          `json:"tickets_per_pitch"`
	// Passwords: every person has the bench's password, for the pages.
	// Older seeds lack them; the bench adds them when a page is measured.
	Passwords bool `json:"passwords,omitempty"`
	// Seeding records how long each seeding step took.
	Seeding []string `json:"seeding"`
}

// dataSet is the size of the data set at a scale.
type dataSet struct{ people, pitches, ticketsPerPitch int }

func dataSetAt(scale int) dataSet {
	return dataSet{people: 1000 * scale, pitches: 10000 * scale, ticketsPerPitch: 20}
}

// groups is the number of groups: about one for every 30 people.
func (d dataSet) groups() int { return (d.people + 29) / 30 }

// step is the distance between the seeded buyers of a pitch: pitch i was
// bought by persons i, i+step, i+2·step, … (mod people).
func (d dataSet) step() int { return d.people / d.ticketsPerPitch }

// seededBuyer returns the index of the k-th seeded buyer of pitch i.
func (d dataSet) seededBuyer(i, k int) int { return (i + k*d.step()) % d.people }

// pair returns the n-th (pitch, person) pair that the seeding did not
// buy, by index. Pairs walk the pitches in a scattered order, round after
// round; round r uses the r-th positive offset that is not a multiple of
// step, so no pair repeats one seeded or another of its own.
func (d dataSet) pair(n int64) (pitch, person int, ok bool) {
	round := n / int64(d.pitches)
	step := int64(d.step())
	offset := round + 1 + round/(step-1)
	if offset >= int64(d.people) {
		return 0, 0, false
	}
	pitch = int((n % int64(d.pitches)) * 7919 % int64(d.pitches))
	return pitch, int((int64(pitch) + offset) % int64(d.people)), true
}

func loadState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", stateFile, err)
	}
	if len(s.Tokens) != len(s.People) || len(s.People) == 0 || len(s.Pitches) == 0 || len(s.Groups) == 0 {
		return nil, errors.New(stateFile + " is incomplete; delete the data directory and seed again")
	}
	return &s, nil
}

func (s *State) save(dir string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, stateFile))
}
