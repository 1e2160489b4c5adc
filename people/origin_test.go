package people

import "testing"

func TestOriginOf(t *testing.T) {
	tests := []struct {
		name         string
		authorLevel  int
		member       bool
		managerLevel int
		hasManager   bool
		want         Origin
	}{
		{"front-line engineer to the executive team she is not in", 3, false, 0, true, Origin{Outside, 3}},
		{"member below the group's manager", 3, true, 2, true, Origin{Below, 1}},
		{"member at the manager's level", 2, true, 2, true, Origin{Peer, 0}},
		{"member above the group's manager", 1, true, 2, true, Origin{Above, -1}},
		{"outsider more senior than the manager", 0, false, 2, true, Origin{Outside, -2}},
		{"group without managers counts from the top", 2, true, 5, false, Origin{Below, 2}},
		{"the CEO in a group without managers", 0, true, 0, false, Origin{Peer, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OriginOf(tt.authorLevel, tt.member, tt.managerLevel, tt.hasManager); got != tt.want {
				t.Errorf("OriginOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLevelUnder(t *testing.T) {
	if LevelUnder(0, false) != 0 || LevelUnder(0, true) != 1 || LevelUnder(3, true) != 4 {
		t.Fatal("levels must count down the reporting line from 0 at the top")
	}
}

func TestNewPersonValidate(t *testing.T) {
	tests := []struct {
		in    NewPerson
		field string
	}{
		{NewPerson{Name: "Ada", Email: "ada@example.test"}, ""},
		{NewPerson{Name: "  Ada  ", Email: " ADA@Example.test "}, ""},
		{NewPerson{Name: "", Email: "ada@example.test"}, "name"},
		{NewPerson{Name: "Ada", Email: ""}, "email"},
		{NewPerson{Name: "Ada", Email: "Ada <ada@example.test>"}, "email"},
		{NewPerson{Name: "Ada", Email: "not-an-address"}, "email"},
		{NewPerson{Name: "Ada\x00", Email: "ada@example.test"}, "name"},
		{NewPerson{Name: "Ada\nLovelace", Email: "ada@example.test"}, "name"},
		{NewPerson{Name: "Ada", Email: "ada@example.test", Title: string([]byte{0xff})}, "title"},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if got := fieldOf(err); got != tt.field {
			t.Errorf("Validate(%+v) field = %q (%v), want %q", tt.in, got, err, tt.field)
		}
		if err == nil && (tt.in.Name != "Ada" || tt.in.Email != "ada@example.test") {
			t.Errorf("Validate did not normalize: %+v", tt.in)
		}
	}
}
