package demo

// The shape of the demo organization: departments led by vice presidents,
// sub-departments led by directors, teams led by team managers, and the
// communities that cut across them. Headcount is spread over the teams by
// weight.

type deptSpec struct {
	key     string // tag used by pitch templates
	name    string
	vpTitle string
	weight  int // people per team, relative
	subs    []subSpec
	titles  []string // front-line titles, junior to senior
	mgrRole string   // team manager title prefix
}

type subSpec struct {
	name     string
	director string // the director's title
	teams    []string
}

var departments = []deptSpec{
	{key: "eng", name: "Engineering", vpTitle: "VP Engineering", weight: 9, mgrRole: "Engineering Manager",
		titles: []string{"Software Engineer", "Software Engineer", "Senior Software Engineer", "Senior Software Engineer",
			"Staff Engineer", "QA Engineer", "Site Reliability Engineer"},
		subs: []subSpec{
			{"Platform Engineering", "Director of Platform Engineering", []string{"Core Services", "Data Platform", "Developer Experience", "Site Reliability"}},
			{"Product Engineering", "Director of Product Engineering", []string{"Payments", "Checkout", "Mobile Apps", "Search & Discovery", "Notifications", "Onboarding Flow"}},
			{"Infrastructure & Security", "Director of Infrastructure & Security", []string{"Cloud Infrastructure", "Security Engineering", "Identity & Access"}},
		}},
	{key: "product", name: "Product", vpTitle: "VP Product", weight: 6, mgrRole: "Product Lead",
		titles: []string{"Product Manager", "Senior Product Manager", "Product Designer", "Senior Product Designer", "UX Researcher", "Product Analyst"},
		subs: []subSpec{
			{"Product Management", "Director of Product Management", []string{"Core Product", "Growth"}},
			{"Design & Research", "Director of Design", []string{"Product Design", "User Research"}},
		}},
	{key: "sales", name: "Sales", vpTitle: "VP Sales", weight: 8, mgrRole: "Sales Manager",
		titles: []string{"Account Executive", "Account Executive", "Senior Account Executive", "Sales Development Representative", "Solutions Consultant", "Account Manager"},
		subs: []subSpec{
			{"New Business", "Director of New Business", []string{"Enterprise Sales", "Mid-Market Sales", "Sales Development"}},
			{"Account Management", "Director of Account Management", []string{"Key Accounts", "Renewals"}},
		}},
	{key: "support", name: "Customer Support", vpTitle: "VP Customer Support", weight: 9, mgrRole: "Support Team Lead",
		titles: []string{"Support Specialist", "Support Specialist", "Senior Support Specialist", "Technical Support Engineer", "Customer Success Manager", "Support Knowledge Manager"},
		subs: []subSpec{
			{"Support Operations", "Director of Support Operations", []string{"Tier 1 Support", "Tier 2 Support"}},
			{"Customer Success", "Director of Customer Success", []string{"Onboarding Specialists", "Customer Education"}},
		}},
	{key: "ops", name: "Operations", vpTitle: "VP Operations", weight: 5, mgrRole: "Operations Manager",
		titles: []string{"IT Support Specialist", "Systems Administrator", "Procurement Specialist", "Compliance Analyst", "Workplace Coordinator"},
		subs: []subSpec{
			{"Business Operations", "Director of Business Operations", []string{"IT & Workplace", "Procurement & Vendors", "Legal & Compliance"}},
		}},
	{key: "people", name: "People", vpTitle: "VP People", weight: 5, mgrRole: "Team Lead",
		titles: []string{"Recruiter", "Senior Recruiter", "People Partner", "Learning Specialist", "People Operations Specialist"},
		subs: []subSpec{
			{"People Operations", "Director of People Operations", []string{"Recruiting", "People Partners", "Learning & Development"}},
		}},
	{key: "finance", name: "Finance", vpTitle: "Chief Financial Officer", weight: 5, mgrRole: "Finance Manager",
		titles: []string{"Accountant", "Senior Accountant", "Financial Analyst", "Payroll Specialist", "Billing Specialist"},
		subs: []subSpec{
			{"Finance & Accounting", "Director of Finance", []string{"Accounting", "Financial Planning & Analysis", "Payroll & Billing"}},
		}},
}

// The fixed persona e-mail addresses; Generate gives them these people.
const (
	emailEngineer = "maya.okafor@demo.test"
	emailManager  = "daniel.reyes@demo.test"
	emailVP       = "priya.raman@demo.test"
	emailCEO      = "elena.marsh@demo.test"
	emailOther    = "tomas.alvarez@demo.test"
	emailAdmin    = "admin@demo.test"
)

// personaSpec names a persona: Personas finds them by e-mail.
type personaSpec struct {
	role, name, email, title string
}

var personaSpecs = []personaSpec{
	{"front-line engineer", "Maya Okafor", emailEngineer, "Software Engineer"},
	{"team manager", "Daniel Reyes", emailManager, "Engineering Manager, Payments"},
	{"VP", "Priya Raman", emailVP, "VP Engineering"},
	{"CEO", "Elena Marsh", emailCEO, "Chief Executive Officer"},
	{"another department", "Tomás Álvarez", emailOther, "Support Specialist"},
	{"admin", "Robin Keller", emailAdmin, "IT Systems Administrator"},
}
