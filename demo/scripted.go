package demo

import (
	"github.com/wayfare-org/wayfare/leadership"
	"github.com/wayfare-org/wayfare/management"
)

// historyDays is how many working days of history the demo writes:
// about six months.
const historyDays = 130

// scriptedPitch is a pitch whose story is fixed: the personas' own
// pitches, and together one of every outcome, method and journey status,
// so that every demo organization shows them whatever the seed.
type scriptedPitch struct {
	day    float64 // working day of publication
	author func(o *org) *person
	group  string
	wanted int
	buyers int
	steps  []step
	fate   management.JourneyStatus // of the journey, when adopted
	mode   doubtMode
	into   int // for a merge: the index of the pitch merged into
	t      tpl
}

// step is one decision of a scripted pitch.
type step struct {
	day     float64
	outcome management.Outcome
	method  management.Method
	revisit float64 // working day, for defer
}

func byEmail(email string) func(o *org) *person {
	return func(o *org) *person { return o.byEmail[email] }
}

func firstOf(team string) func(o *org) *person {
	return func(o *org) *person { return o.find(team).members[0] }
}

func managerOf(team string) func(o *org) *person {
	return func(o *org) *person { return o.find(team).manager }
}

var scriptedPitches = []scriptedPitch{
	{day: 15, author: byEmail(emailVP), group: "Executive team", wanted: 12, buyers: 16,
		steps: []step{{day: 23, outcome: management.Adopt, method: management.Consent}}, fate: management.Arrived,
		t: tpl{kind: leadership.Proposal, title: "Pay on-call the same way in every department",
			quo:    "Engineering, Support and IT each pay for on-call differently: a flat weekly fee, time off in lieu, or nothing. People moving between teams notice, and Support struggles to fill its rota.",
			better: "One company-wide on-call policy: the same weekly allowance, the same pay per call-out, and a day off after any night with more than two hours of work.",
			dest:   "One on-call policy in force in every department, and Support's rota fully staffed for a quarter.",
			data:   datum{"Support on-call shifts left unfilled last quarter", 17, "shifts", "Rota tool"},
			link:   "Comparison of the three current on-call schemes",
			exp:    "Support trialled the engineering allowance for one month: every shift was filled.",
			quote:  "I swapped teams and lost my on-call pay for the same work."}},
	{day: 60, author: byEmail(emailEngineer), group: "Executive team", wanted: 10, buyers: 22,
		steps: []step{{day: 70, outcome: management.Adopt, method: management.Consultative}}, fate: management.Underway, mode: recovered,
		t: tpl{kind: leadership.Proposal, title: "Give every team one fix-it day a month",
			quo:    "Small annoyances in tools and processes never make it onto a roadmap. Everyone works around them every day, and the workarounds add up to hours a week.",
			better: "Every team keeps the first Friday of the month for fixing what slows it down, chosen by the team, shown in a ten-minute demo the following Monday.",
			dest:   "Every team has held at least three fix-it days and shown what it fixed.",
			data:   datum{"Hours a week lost to known annoyances, per person (survey median)", 3.5, "hours", "Developer experience survey"},
			link:   "What other companies learned from fix-it days",
			exp:    "The Payments team held two fix-it days: 23 small fixes, and the flaky-test re-runs dropped by 85 %.",
			quote:  "The fix-it day was the most productive day of the month, and the least stressful."}},
	{day: 52, author: byEmail(emailOther), group: "Engineering", wanted: 15, buyers: 24,
		steps: []step{{day: 58, outcome: management.Adopt, method: management.Directive}}, fate: management.Underway, mode: troubled,
		t: tpl{kind: leadership.Proposal, title: "Show customers an error reference they can quote to support",
			quo:    "When something fails, customers see 'Something went wrong'. Support then spends a long back-and-forth finding out when, where and what, before engineering can even look.",
			better: "Every error page and failed API call shows a short reference that points to the request in our logs. Support asks for it first.",
			dest:   "Every customer-facing error shows a reference, and the median time to a first useful answer on error tickets halves.",
			data:   datum{"Messages exchanged before an error ticket reaches engineering (median)", 6, "messages", "Helpdesk report"},
			link:   "Mock-up of the error page with a reference",
			exp:    "For two weeks Tier 1 asked customers for a timestamp and the page address: escalations were resolved 40 % faster.",
			quote:  "Half of my day is asking customers what they were doing when it broke."}},
	{day: 84, author: byEmail(emailManager), group: "Product Engineering", wanted: 10, buyers: 13,
		steps: []step{{day: 90, outcome: management.Defer, method: management.Consultative, revisit: 118},
			{day: 120, outcome: management.Adopt, method: management.Vote}}, fate: management.Boarding,
		t: tpl{kind: leadership.Proposal, title: "Build one shared form component library for all product teams",
			quo:    "Six product teams have built six sets of form fields, each with its own validation and accessibility bugs.",
			better: "One form library, owned by Developer Experience, that every team uses for new forms and moves to when it touches an old one.",
			dest:   "Every new form uses the shared library, and the old form code is removed from three products.",
			data:   datum{"Separate implementations of a date picker in our products", 6, "implementations", "Code search"},
			link:   "Inventory of the form components in use",
			exp:    "Payments rebuilt its checkout form on a shared prototype in three days.",
			quote:  "We fixed the same screen-reader bug in three date pickers last year."}},
	{day: 40, author: firstOf("Enterprise Sales"), group: "Payments", wanted: 5, buyers: 4,
		steps: []step{{day: 47, outcome: management.Decline, method: management.Vote}},
		t: tpl{kind: leadership.Proposal, title: "Invoice customers in their own currency",
			quo:    "We invoice everyone in euros. Customers outside the euro area pay conversion fees and ask for discounts to make up for them.",
			better: "Let customers choose the invoice currency among the six most common ones, priced from a fixed quarterly rate.",
			data:   datum{"Deals last year where currency came up in negotiation", 14, "deals", "CRM notes"},
			quote:  "Two of my prospects asked for dollar invoices in the first call."}},
	{day: 36, author: firstOf("Tier 2 Support"), group: "Customer Support", wanted: 8, buyers: 6, into: 6,
		steps: []step{{day: 41, outcome: management.Merge, method: management.Consent}},
		t: tpl{kind: leadership.Proposal, title: "Ask for a screen recording in the contact form",
			quo:    "Customers describe visual problems in words, and we ask for a screenshot in the second reply.",
			better: "Add an optional screen-recording button to the contact form.",
			data:   datum{"Tickets where our first reply asked for a screenshot", 22, "%", "Helpdesk report"}}},
	{day: 30, author: managerOf("Onboarding Specialists"), group: "Customer Support", wanted: 10, buyers: 12,
		steps: []step{{day: 44, outcome: management.Adopt, method: management.Vote}}, fate: management.Abandoned,
		t: tpl{kind: leadership.Proposal, title: "Let customers attach screenshots and recordings to tickets",
			quo:    "The helpdesk accepts text only; files arrive by separate e-mail and get lost.",
			better: "Enable attachments in the helpdesk, with a virus scan and a 30-day retention limit.",
			dest:   "Every ticket channel accepts attachments, and no file is sent separately any more.",
			data:   datum{"Tickets with a file sent by separate e-mail last month", 310, "tickets", "Helpdesk report"},
			link:   "Helpdesk attachment settings and retention options"}},
	{day: 95, author: byEmail(emailCEO), group: "Sustainability committee", wanted: 6, buyers: 9,
		steps: []step{{day: 104, outcome: management.Adopt, method: management.Vote}}, fate: management.Underway,
		t: tpl{kind: leadership.Proposal, title: "Measure and publish our carbon footprint every year",
			quo:    "We do not know our own footprint. Tenders ask for it more and more, and we answer with generalities.",
			better: "Measure office energy and business travel every year with an external tool, publish the figure internally and in tenders, and agree a reduction target.",
			dest:   "The first footprint report published, with a reduction target agreed by the committee.",
			data:   datum{"Tenders last year that asked for a carbon footprint figure", 7, "tenders", "Bid library"},
			link:   "Footprint measurement tools compared",
			quote:  "We lost points in two tenders for having no number at all."}},
	{day: 25, author: byEmail(emailEngineer), group: "Product Engineering",
		t: tpl{kind: leadership.Example, title: "Payments quarantined its flaky tests: re-runs down 85 %",
			quo:    "Our pipeline failed on a flaky test several times a day, and re-running was the norm.",
			better: "I wrote a small bot that moves a test which fails and then passes into a quarantine suite and opens a ticket for its owner. After a month the main build is trustworthy again.",
			data:   datum{"Pipeline re-runs per day, before and after", 85, "% fewer", "CI dashboard"},
			link:   "The quarantine bot's README",
			exp:    "Four weeks on the Payments repository: 31 tests quarantined, 24 of them fixed and back.",
			quote:  "A red build means something again."}},
	{day: 70, author: byEmail(emailCEO), group: "Customer Support",
		t: tpl{kind: leadership.Example, title: "I answer five support tickets every Friday",
			quo:    "I read summaries of what customers tell us, written for me.",
			better: "Every Friday I answer five tickets myself, with a specialist checking my replies. I learn more there than in any report, and I bring one problem back to the executive team each week.",
			data:   datum{"Problems brought from tickets to the executive team so far", 9, "problems", "Executive meeting notes"},
			quote:  "Elena's replies are slower than ours, but she fixed the invoice e-mail in a week."}},
}
