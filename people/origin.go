package people

// Relation says where a pitch comes from relative to its target group.
type Relation string

// The relations of rule 8 ("bottom-up is visible").
const (
	Outside Relation = "outside" // the author is not a member of the group
	Below   Relation = "below"   // a member less senior than the group's most senior manager
	Peer    Relation = "peer"    // a member at the same level as that manager
	Above   Relation = "above"   // a member more senior than that manager
)

// Origin is where a pitch comes from: the relation and the level difference
// to the target group's most senior manager (positive: the author is below).
type Origin struct {
	Relation Relation `json:"relation"`
	Levels   int      `json:"levels"`
}

// OriginOf applies rule 8. authorLevel and managerLevel are levels in the
// reporting line (0 = top); hasManager is false when the group and its
// ancestors have no manager, in which case the levels count from the top.
func OriginOf(authorLevel int, member bool, managerLevel int, hasManager bool) Origin {
	if !hasManager {
		managerLevel = 0
	}
	levels := authorLevel - managerLevel
	o := Origin{Levels: levels}
	switch {
	case !member:
		o.Relation = Outside
	case levels > 0:
		o.Relation = Below
	case levels < 0:
		o.Relation = Above
	default:
		o.Relation = Peer
	}
	return o
}

// LevelUnder returns the level of a person who reports to a manager at
// managerLevel; a person with no manager is at the top, level 0.
func LevelUnder(managerLevel int, hasManager bool) int {
	if !hasManager {
		return 0
	}
	return managerLevel + 1
}
