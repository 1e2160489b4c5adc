package demo

import "github.com/wayfare-org/wayfare/leadership"

// tpl is the text of a pitch the demo can publish. In every text field
// {group} stands for the target group's name and {team} for the author's
// own team. A title without a placeholder is published once.
//
// For a proposal the scope names where it can be pitched; for an example
// it names whose practice it is (the author's team), and the example is
// shown to a group nearby.
type tpl struct {
	scope  string // team, team:DEPT, dept, dept:DEPT, exec, security, a11y, green
	kind   leadership.Kind
	title  string
	quo    string // the status quo
	better string // the better way
	dest   string // a proposal's destination: what arrival means
	data   datum
	link   string // the label of a link to a write-up
	exp    string // the result of an experiment
	quote  string // a testimonial, attributed to a colleague
}

// datum is a data point of evidence.
type datum struct {
	label  string
	value  float64
	unit   string
	source string
}

// templates is every pitch text, engineering first.
var templates = concat(engineering, business, company)

func concat(lists ...[]tpl) []tpl {
	var out []tpl
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var engineering = []tpl{
	{scope: "team:eng", kind: leadership.Proposal, title: "Quarantine flaky tests in {group} instead of re-running the pipeline",
		quo:    "About one build in five fails on a test that passes when re-run, and the habit is to press re-run until it goes green. Nobody owns the flaky tests, so they stay.",
		better: "A test that fails and then passes on retry moves to a quarantine suite automatically, a ticket goes to its owner, and the main pipeline stays strict.",
		dest:   "A green main build needs no re-runs for four weeks in a row, and the quarantine holds fewer than 10 tests.",
		data:   datum{"Builds that failed on a test which passed on retry (last 30 days)", 21, "%", "CI dashboard"},
		link:   "Quarantine bot: how it works", exp: "Two weeks of the quarantine bot on one repository: re-runs fell from 46 to 7.",
		quote: "I stopped trusting red builds months ago. That is the real cost."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Review pull requests in two fixed daily slots in {group}",
		quo:    "Pull requests wait a median of a working day for a first review, because reviews happen whenever someone remembers them.",
		better: "Everyone reviews at 10:00 and 15:00 for up to 30 minutes; a pull request opened before a slot gets its first look in that slot.",
		dest:   "Median time to first review under 4 working hours, six weeks running.",
		data:   datum{"Median wait for a first review", 26, "hours", "Code host analytics, last quarter"},
		exp:    "Three weeks of review slots in one squad: median first review dropped to 3.5 hours.",
		quote:  "Knowing when a review will come is worth more than getting it fast once in a while."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Adopt trunk-based development with feature flags in {group}",
		quo:    "Feature branches live for two to three weeks; merging them takes a day of conflict resolution and hides integration bugs until late.",
		better: "Merge to main at least daily behind feature flags, keep branches under two days old, and release from main.",
		dest:   "No branch older than two days, and merge-conflict time under an hour per person per week.",
		data:   datum{"Average age of a branch at merge", 13, "days", "Repository statistics"},
		link:   "Trunk-based development: our reading list", quote: "Last release we spent two days merging and one day testing the merge."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Put {group}'s on-call handover in a written checklist",
		quo:    "On-call handover happens in a chat message, if at all. Twice this quarter an incident restarted because the new person did not know a fix was half-applied.",
		better: "A ten-line handover checklist in the on-call channel every Monday: open incidents, half-applied fixes, noisy alerts, planned changes.",
		dest:   "Every handover for a quarter uses the checklist, and no incident is restarted for lack of context.",
		data:   datum{"Incidents that restarted after a handover this quarter", 2, "incidents", "Incident tracker"},
		link:   "Handover checklist draft", quote: "I inherited a half-rolled-back deploy at 2 a.m. with no note. Never again."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Show {group}'s cloud spend per service in the sprint review",
		quo:    "Cloud costs are seen once a month by Finance. Engineers learn about a cost spike weeks later, when the context is gone.",
		better: "A five-minute look at last sprint's spend per service in every sprint review, with the top mover explained.",
		dest:   "Every sprint review for three months shows spend per service; month-on-month surprises above 10 % are explained within a sprint.",
		data:   datum{"Unexplained cost increase last quarter", 18400, "EUR", "Cloud billing export"},
		exp:    "We tagged our services and ran the report by hand for two sprints; it took 15 minutes to set up."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Set error budgets for {group}'s services and pause features when they run out",
		quo:    "Reliability work is negotiated case by case and usually loses to features until something breaks badly.",
		better: "Agree a service level objective per service; when the month's error budget is spent, the team switches to reliability work until it recovers.",
		dest:   "Objectives agreed for every service, and the budget rule applied at least once without escalation.",
		data:   datum{"Availability of the checkout API last quarter", 99.62, "%", "Monitoring"},
		link:   "Error budget policy, one page"},
	{scope: "team:eng", kind: leadership.Proposal, title: "Delete dead feature flags every sprint in {group}",
		quo:    "The flag service holds about 140 flags; half have been fully on for more than three months and still branch the code.",
		better: "Each sprint removes the flags that have been fully rolled out for 30 days; the flag service flags them automatically.",
		dest:   "No flag fully on for more than 30 days, and fewer than 40 flags in total.",
		data:   datum{"Flags fully rolled out for over 90 days", 71, "flags", "Flag service export"},
		quote:  "Every stale flag is a code path nobody tests any more."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Run blameless post-incident reviews within five days in {group}",
		quo:    "Post-incident reviews happen for about a third of serious incidents, often weeks later, and read like a search for who pressed the button.",
		better: "Every Sev-1 and Sev-2 gets a review within five working days using a template that asks what made the mistake easy, not who made it.",
		dest:   "Nine in ten serious incidents reviewed within five days, for one quarter.",
		data:   datum{"Serious incidents with a written review last quarter", 6, "of 19", "Incident tracker"},
		link:   "Blameless review template", quote: "I only report near misses where I know nobody will be blamed."},
	{scope: "team:eng", kind: leadership.Proposal, title: "Rotate a shield engineer who takes all interruptions in {group}",
		quo:    "Questions, bug reports and requests from other teams land on whoever answers first, so the same three people lose most of their focus time.",
		better: "One engineer per sprint is the shield: they take every interruption and small bug, and the rest of the team can say no.",
		dest:   "Interruptions spread evenly: nobody outside the shield handles more than two a week.",
		data:   datum{"Share of interruptions handled by the three most-asked engineers", 64, "%", "Help channel analysis"},
		exp:    "One sprint with a shield: the rest of the team logged 40 % more focus hours."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Standardise on one observability stack across {group}",
		quo:    "Teams use three logging tools and two metrics systems. During an incident that crosses teams, people trade screenshots.",
		better: "Pick one stack for logs, metrics and traces, migrate team by team over two quarters, and switch the others off.",
		dest:   "Every production service sends logs, metrics and traces to one stack; the old tools are switched off.",
		data:   datum{"Observability licences paid for today", 5, "tools", "Procurement register"},
		link:   "Comparison of the candidate stacks", quote: "In the last big incident we lost 40 minutes just finding the right logs."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Publish a service catalogue with an owner for every service",
		quo:    "Nobody can say with confidence who owns about a quarter of our services. Alerts for them go to a shared channel and wait.",
		better: "A catalogue generated from the repositories, with an owning team, an on-call rota and a runbook link for every service; unowned services get an owner in a week.",
		dest:   "Every production service has an owning team and a runbook in the catalogue.",
		data:   datum{"Production services without a clear owner", 37, "services", "Audit by the Core Services team"},
		exp:    "We generated a draft catalogue from repository metadata in two days."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Move the release train from monthly to weekly",
		quo:    "We release once a month. Each release carries hundreds of changes, the release day is tense, and a hot-fix waits for a special release.",
		better: "Release every Tuesday from main, with automated checks and a one-click rollback; the monthly freeze goes away.",
		dest:   "Twelve weekly releases in a row, with a change failure rate no worse than today's.",
		data:   datum{"Changes in the last monthly release", 412, "changes", "Release notes"},
		link:   "Release pipeline readiness checklist", quote: "Release day is the one day a month I dread."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Replace the shared staging environment with preview environments per branch",
		quo:    "Twelve teams share one staging environment. It is broken about a day a week, and testing queues behind whoever broke it.",
		better: "Every pull request gets its own short-lived preview environment; staging is kept only for the final release check.",
		dest:   "Every team tests on preview environments, and staging downtime no longer blocks anyone.",
		data:   datum{"Working days staging was unusable last quarter", 14, "days", "Platform status log"},
		exp:    "A prototype gave the Checkout team previews in 6 minutes per branch at about 3 EUR a day."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Batch dependency updates into one weekly pull request per repository in {group}",
		quo:    "Dependency updates arrive as dozens of separate pull requests that people close unread; some libraries are two years behind.",
		better: "An update bot opens one grouped pull request a week per repository; a green build merges it automatically.",
		dest:   "No production dependency more than six months behind, across all repositories.",
		data:   datum{"Dependencies more than a year behind", 118, "dependencies", "Software composition scan"},
		quote:  "The last security patch took a week because we were four major versions behind."},
	{scope: "dept:eng", kind: leadership.Proposal, title: "Adopt one API style guide across {group}",
		quo:    "Our public APIs page, filter and report errors in four different ways, and customers' integrators ask support which one to follow.",
		better: "One short style guide (naming, paging, errors, versioning), checked by a linter in CI for new endpoints.",
		dest:   "Every new endpoint passes the linter, and the top ten endpoints follow the guide.",
		data:   datum{"Support tickets about API inconsistencies last quarter", 57, "tickets", "Support tracker"},
		link:   "Draft API style guide"},
	{scope: "team:eng", kind: leadership.Example, title: "How {team} cut build time from 22 to 9 minutes with test sharding",
		quo:    "Our pipeline took 22 minutes, so people batched changes and context-switched while waiting.",
		better: "We split the test suite into six shards by timing data and cached dependencies between runs. It took four days of one engineer.",
		data:   datum{"Median pipeline time after sharding", 9, "minutes", "CI dashboard"},
		exp:    "Before: 22 minutes median over 30 days. After: 9 minutes median over the next 30 days.",
		quote:  "I now wait for the build instead of starting something else. That alone changed my day."},
	{scope: "team:eng", kind: leadership.Example, title: "{team} tried no-meeting Wednesdays for a quarter",
		quo:    "Our calendars were fragmented; the longest free block most of us had was 90 minutes.",
		better: "We kept Wednesdays free of meetings for a quarter. Urgent things still happened in chat. We kept it.",
		data:   datum{"Focus hours per person per week, before and after", 6.5, "hours gained", "Calendar analysis"},
		quote:  "Wednesday is when the hard problems get solved now."},
	{scope: "team:eng", kind: leadership.Example, title: "{team} replaced its status meeting with a written weekly update",
		quo:    "A one-hour weekly status meeting for twelve people, where most listened to updates that did not concern them.",
		better: "Each person writes three lines on Friday; the lead summarises on Monday. The meeting became a 20-minute discussion of the two topics that need one.",
		data:   datum{"Meeting hours saved per month across the team", 31, "hours", "Team calendar"},
		link:   "Our weekly update template"},
	{scope: "team:eng", kind: leadership.Example, title: "What {team} learned from running failover game days",
		quo:    "We had a failover runbook that nobody had used in two years.",
		better: "We ran a failover on purpose on a quiet Thursday, found four wrong steps in the runbook and fixed them. We now do it every quarter.",
		data:   datum{"Time to fail over, first game day versus third", 48, "minutes saved", "Game day notes"},
		exp:    "First game day: 71 minutes to fail over. Third game day: 23 minutes.",
		quote:  "Finding the broken step on a Thursday afternoon beats finding it at 3 a.m."},
	{scope: "team:eng", kind: leadership.Example, title: "{team}'s first two months with a shield rotation",
		quo:    "Interruptions landed on the same few people and nobody could plan their week.",
		better: "One of us takes every interruption for a sprint, in turn. The others plan without surprises, and the shield fixes small bugs that used to rot.",
		data:   datum{"Small bugs fixed by the shield in two months", 38, "bugs", "Issue tracker"},
		quote:  "Being the shield is tiring, but it is one week in six, and I know it."},
	{scope: "team:eng", kind: leadership.Example, title: "{team} paid down flaky tests with a fix-one-then-merge rule",
		quo:    "We had about 60 known flaky tests and re-ran builds several times a day.",
		better: "For a month, anyone whose build hit a flaky test fixed or deleted one flaky test before merging. The list shrank to 9.",
		data:   datum{"Known flaky tests, start and end of the month", 51, "fewer", "Flaky test tracker"},
		exp:    "Re-runs per day went from 14 to 2 over the month."},
}
