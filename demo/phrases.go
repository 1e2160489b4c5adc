package demo

import "github.com/wayfare-org/wayfare/management"

// The words of management and followers. Placeholders: {group} the target
// group, {sold} tickets sold, {wanted} tickets wanted, {other} the title
// of the pitch merged into, {revisit} the revisit date, {yes} and {no}
// votes, {author} the pitch's author, {title} the pitch's title.

// methodLines say how a decision was reached.
var methodLines = map[management.Method][]string{
	management.Directive: {
		"I am deciding this one myself: it sits within my remit, and a round would cost more than it adds.",
		"Decided for {group} without a round; the question is narrow and the evidence is clear enough.",
		"This needs a quick answer, so I decided it directly and told the team why.",
	},
	management.Consultative: {
		"I asked for advice in the {group} channel for a week and spoke to the people most affected before deciding.",
		"Advice gathered from the leads, from Finance and from two people who would carry most of the work; the decision is mine.",
		"I opened an advice round and read every answer; several changed how we will do this.",
	},
	management.Consent: {
		"Taken to the {group} meeting as a consent decision; no objection stood after one round of changes.",
		"Proposed for consent. Two concerns were raised and resolved by narrowing the scope; no objection remains.",
		"Consent round in {group}: the objections raised were about timing, and the plan below answers them.",
	},
	management.Vote: {
		"Put to a vote in {group}: {yes} for, {no} against.",
		"{group} voted on it this week: {yes} in favour, {no} against.",
		"Decided by a vote of the group, {yes} to {no}, after a week of discussion.",
	},
}

// outcomeLines say what was decided and why.
var outcomeLines = map[management.Outcome][]string{
	management.Adopt: {
		"{sold} tickets sold against {wanted} wanted, and the evidence holds up. We adopt it and will measure against the numbers in the pitch.",
		"The data in the pitch matched what we see ourselves. Adopted; the drivers will set the route this week.",
		"Adopted. The cost is small, the problem is real, and {sold} people have already said they are coming.",
		"We adopt it with one change: start with a pilot, then roll out if the first numbers hold.",
	},
	management.Decline: {
		"Declined for now: it would compete with the two commitments we already have this quarter. The problem is real, and a narrower pitch would be welcome.",
		"Declined. The evidence does not yet show that the gain outweighs the switching cost for everyone.",
		"Not this one: {sold} tickets against {wanted} wanted tells me the group is not persuaded yet, and I do not want to force it.",
		"Declined because it overlaps with work already under way elsewhere; I have pointed the author to it.",
	},
	management.Defer: {
		"Deferred to {revisit}: the budget for next quarter is not settled, and this needs some of it.",
		"A good idea at the wrong time. We revisit on {revisit}, after the current migration is done.",
		"Deferred until {revisit} so that we can collect a month of baseline numbers first.",
	},
	management.Merge: {
		"This overlaps with “{other}”, which is further along. Merged so the tickets and the discussion sit in one place.",
		"Merged into “{other}”: same problem, same people. The tickets move there, and the author's data is referenced in it.",
	},
}

// duplicateLines merge a pitch that repeats one already selling.
var duplicateLines = []string{
	"This is the same proposal as “{other}”, which was pitched first and has more tickets. Merged so that everyone who wants it is counted in one place; thank you for the extra evidence.",
	"Two people pitched the same thing, which says something. Merged into “{other}”; the tickets move there.",
}

// reverseLines end a journey by a later decision.
var reverseLines = []string{
	"Superseding the adoption: the first numbers did not move, and the riders' doubts were well founded. We stop here and keep what we learned.",
	"Superseding the earlier decision: priorities changed with the reorganisation of the quarter, and this journey no longer has the people it needs.",
}

// readoptLines revisit a deferred or declined pitch.
var readoptLines = map[management.Outcome][]string{
	management.Adopt: {
		"Revisited as promised: the reasons for waiting are gone, and the tickets kept selling in the meantime. Adopted.",
		"Reconsidered after the author shared new data. It answers the concern behind the earlier decision; adopted.",
	},
	management.Decline: {
		"Revisited as promised. The constraint that made us wait is still there and will be for the rest of the year, so we decline rather than keep it hanging.",
		"Revisited: the need has shrunk since the pitch was made. Declined, with thanks to everyone who bought a ticket.",
	},
}

// stopRoutes are routes of stops; {group} is the target group.
var stopRoutes = [][]string{
	{"Agree the baseline and how we measure it", "Pilot with one team", "Write the how-to and answer the first questions", "Roll out to all of {group}", "Review the numbers against the baseline"},
	{"Name an owner in every team", "First version ready for feedback", "Feedback round closed", "Switch over", "Retire the old way"},
	{"Draft shared for comments", "Two-sprint trial", "Decide what to keep from the trial", "In place across {group}", "Thirty-day review"},
	{"Kick-off with the riders", "Tooling ready", "First team live", "Half of {group} live", "Everyone live and old process switched off"},
}

// checkinNotes by confidence.
var checkinNotes = map[management.Confidence][]string{
	management.OnTrack: {
		"On plan. The pilot team is using it daily and the first numbers are moving the right way.",
		"Stop done on time. Questions from riders are collected in the FAQ; nothing blocking.",
		"Good week: two more teams started, feedback mostly about small wording issues.",
		"Steady progress. Measuring against the baseline next week.",
	},
	management.AtRisk: {
		"Slower than planned: two key people were pulled into incident work. Next stop may slip by a week.",
		"At risk: the tooling we depend on needs a change from another team, requested and not yet scheduled.",
		"Adoption is uneven; two teams have not started. Talking to their managers this week.",
	},
	management.OffTrack: {
		"Off track. The pilot numbers did not move and the riders are asking why we continue. Reviewing the route.",
		"Off track: we lost our main driver to another project and the next two stops are overdue.",
	},
}

// doubtNotes are riders asking why they are on this trip.
var doubtNotes = []string{
	"Why are we still doing this? The numbers in the last check-in did not move.",
	"I bought a ticket for the pilot, but I do not see how this helps my team any more.",
	"The route changed twice; I am no longer sure what arrival means.",
	"Is this still a priority? Nobody in my team has had time for it for weeks.",
	"",
	"I want to see the baseline comparison before the next stop.",
}

// repitchLines re-sell a journey under way.
var repitchLines = []string{
	"A reminder of why we started: the problem in the pitch has not gone away, and the teams that finished the pilot are already seeing the gain. Here are their numbers.",
	"Three months in, the first team's results are better than the pitch promised. The slow part is behind us.",
	"I hear the doubts. Here is what changed since the pitch, and why I still think this is worth the trip.",
	"For those wondering whether to stay on: the teams that tried it would not go back, and the cost of stopping now is most of the work already done.",
}

// reviews end a journey.
var reviews = map[management.JourneyStatus][]string{
	management.Arrived: {
		"Arrived: {dest} What helped most was the pilot team showing results early. What we would change: name a second driver from the start.",
		"Destination reached. {dest} Learned: the how-to mattered more than the tooling.",
		"Arrived on the last stop. {dest} The riders who doubted midway were right to ask; the re-pitch made us measure properly.",
	},
	management.Abandoned: {
		"Abandoned: the pilot did not move the measure we set, and we would rather stop than pretend. The baseline work stays useful.",
		"Abandoned after the reorganisation took the drivers elsewhere. The first stops are done and written up for whoever picks this up again.",
		"Stopped here. Most riders lost confidence once the tooling slipped a quarter; we document what we learned and close the journey.",
	},
}

// quotes are testimonials for a proposal that has none of its own.
var quotes = []string{
	"This is the most common complaint I hear from new joiners.",
	"We lose a few hours every week to exactly this problem.",
	"Our customers mention this in almost every quarterly review.",
	"I have worked around this for two years. I would rather fix it.",
}

// exampleQuotes are testimonials from the team behind an example.
var exampleQuotes = []string{
	"I was sceptical at first; after a month I would not go back.",
	"It took a week to get used to, and then it just became how we work.",
	"The best part is that nobody had to ask permission to try it.",
}

// linkHosts are where write-ups live; none of them is a real domain.
var linkHosts = []string{"wiki.example.test", "docs.example.test", "dashboards.example.test"}
