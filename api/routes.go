package api

import (
	"net/http"

	"github.com/wayfare-org/wayfare/people"
)

// routes is the whole surface of the API.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /api/openapi.json", serveOpenAPI)

	s.handle("POST /api/v1/people", s.createPerson)
	s.handle("GET /api/v1/people", s.listPeople)
	s.handle("GET /api/v1/people/{id}", s.getPerson)
	s.handle("PATCH /api/v1/people/{id}", s.updatePerson)
	s.handle("POST /api/v1/people/{id}/deactivate", s.setStatus(people.Deactivated))
	s.handle("POST /api/v1/people/{id}/reactivate", s.setStatus(people.Active))
	s.handle("POST /api/v1/people/{id}/invitation", s.invite)
	s.handle("GET /api/v1/me", s.me)
	s.handle("GET /api/v1/tokens", s.listTokens)
	s.handle("POST /api/v1/tokens", s.createToken)
	s.handle("DELETE /api/v1/tokens", s.revokeTokens)
	s.handle("DELETE /api/v1/tokens/{id}", s.revokeToken)
	s.handle("POST /api/v1/groups", s.createGroup)
	s.handle("GET /api/v1/groups", s.listGroups)
	s.handle("GET /api/v1/groups/{id}", s.getGroup)
	s.handle("PATCH /api/v1/groups/{id}", s.updateGroup)
	s.handle("PUT /api/v1/groups/{id}/members/{person_id}", s.setRole)
	s.handle("DELETE /api/v1/groups/{id}/members/{person_id}", s.removeMember)

	s.handle("POST /api/v1/pitches", s.publish)
	s.handle("GET /api/v1/pitches", s.listPitches)
	s.handle("GET /api/v1/pitches/{id}", s.getPitch)
	s.handle("POST /api/v1/pitches/{id}/withdraw", s.withdraw)
	s.handle("POST /api/v1/pitches/{id}/tickets", s.buyTicket)
	s.handle("DELETE /api/v1/pitches/{id}/tickets/me", s.refundTicket)
	s.handle("POST /api/v1/pitches/{id}/decision", s.decide)
	s.handle("GET /api/v1/pitches/{id}/decisions", s.listDecisions)

	s.handle("GET /api/v1/journeys", s.listJourneys)
	s.handle("GET /api/v1/journeys/{id}", s.getJourney)
	s.handle("PUT /api/v1/journeys/{id}/drivers/{person_id}", s.nameDriver)
	s.handle("POST /api/v1/journeys/{id}/stops", s.addStop)
	s.handle("PATCH /api/v1/journeys/{id}/stops/{stop_id}", s.setStop)
	s.handle("POST /api/v1/journeys/{id}/depart", s.depart)
	s.handle("POST /api/v1/journeys/{id}/arrive", s.arrive)
	s.handle("POST /api/v1/journeys/{id}/abandon", s.abandon)
	s.handle("POST /api/v1/journeys/{id}/checkins", s.checkin)
	s.handle("POST /api/v1/journeys/{id}/doubts", s.raiseDoubt)
	s.handle("POST /api/v1/journeys/{id}/reconfirm", s.reconfirm)
	s.handle("DELETE /api/v1/journeys/{id}/riders/me", s.leave)
	s.handle("POST /api/v1/journeys/{id}/repitches", s.repitch)

	s.handle("POST /api/v1/pitches/{id}/rounds", s.openRound)
	s.handle("GET /api/v1/pitches/{id}/rounds", s.listRounds)
	s.handle("GET /api/v1/rounds/{id}", s.getRound)
	s.handle("POST /api/v1/rounds/{id}/responses", s.respond)
	s.handle("POST /api/v1/rounds/{id}/close", s.closeRound)

	s.handle("POST /api/v1/sessions", s.openSession)
	s.handle("GET /api/v1/sessions", s.listSessions)
	s.handle("GET /api/v1/sessions/{id}", s.getSession)
	s.handle("POST /api/v1/sessions/{id}/phase", s.movePhase)
	s.handle("POST /api/v1/sessions/{id}/ideas", s.postIdea)
	s.handle("POST /api/v1/sessions/{id}/clusters", s.makeCluster)
	s.handle("POST /api/v1/sessions/{id}/votes", s.castVote)
	s.handle("POST /api/v1/sessions/{id}/ideas/{idea_id}/pitch", s.pitchIdea)

	s.handle("GET /api/v1/notifications", s.listNotifications)
	s.handle("POST /api/v1/notifications/read", s.markRead)
	s.handle("GET /api/v1/me/preferences", s.getPreferences)
	s.handle("PUT /api/v1/me/preferences", s.setPreferences)
	s.handlePublic("POST /api/v1/password-resets", s.requestReset)
	s.handle("GET /api/v1/webhooks", s.listWebhooks)
	s.handle("POST /api/v1/webhooks", s.createWebhook)
	s.handle("DELETE /api/v1/webhooks/{id}", s.deleteWebhook)
	s.handle("GET /api/v1/webhooks/{id}/deliveries", s.webhookDeliveries)

	s.handle("GET /api/v1/acts", s.listActs)
	s.handle("GET /api/v1/events", s.events)

	s.handle("GET /api/v1/influence/org", s.influenceOrg)
	s.handle("GET /api/v1/influence/people/{id}", s.influencePerson)

	s.handle("/api/", func(w http.ResponseWriter, r *http.Request) error { return errNoRoute })
}
