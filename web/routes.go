package web

import (
	"net/http"

	"github.com/wayfare-org/wayfare/people"
)

// routes is the whole surface of the pages.
func (s *Server) routes() {
	s.mux.Handle("GET /static/", s.assets)
	s.mux.Handle("GET /login", s.public(s.loginPage))
	s.mux.Handle("POST /login", s.public(s.login))
	s.mux.Handle("POST /logout", s.public(s.logout))
	if s.cfg.SingleSignOn != nil {
		s.mux.Handle("GET /login/oidc", s.public(s.startSignOn))
		s.mux.Handle("GET "+callbackPath, s.public(s.finishSignOn))
	}

	s.mux.Handle("GET /{$}", s.private(s.home))
	s.mux.Handle("GET /account", s.private(s.account))
	s.mux.Handle("POST /account/password", s.private(s.changePassword))
	s.mux.Handle("GET /account/tokens", s.private(s.tokens))
	s.mux.Handle("POST /account/tokens", s.private(s.createToken))
	s.mux.Handle("POST /account/tokens/{id}/revoke", s.private(s.revokeToken))
	s.mux.Handle("GET /account/notifications", s.private(s.preferencesPage))
	s.mux.Handle("POST /account/notifications", s.private(s.savePreferences))
	s.mux.Handle("GET /notifications", s.private(s.notificationsPage))
	s.mux.Handle("POST /notifications/read", s.private(s.markRead))
	s.mux.Handle("GET /notifications/{id}", s.private(s.openNotification))
	s.mux.Handle("GET /unsubscribe/{token}", s.public(s.unsubscribePage))
	s.mux.Handle("POST /unsubscribe/{token}", s.public(s.unsubscribe))

	s.mux.Handle("GET /admin", s.admin(s.adminHome))
	s.mux.Handle("GET /admin/people", s.admin(s.adminPeople))
	s.mux.Handle("POST /admin/people", s.admin(s.adminCreatePerson))
	s.mux.Handle("GET /admin/people/{id}", s.admin(s.adminPerson))
	s.mux.Handle("POST /admin/people/{id}", s.admin(s.adminUpdatePerson))
	s.mux.Handle("POST /admin/people/{id}/deactivate", s.admin(s.adminStatus(people.Deactivated)))
	s.mux.Handle("POST /admin/people/{id}/reactivate", s.admin(s.adminStatus(people.Active)))
	s.mux.Handle("POST /admin/people/{id}/sign-out", s.admin(s.adminEndSessions))
	s.mux.Handle("POST /admin/people/{id}/password", s.admin(s.adminSetPassword))
	s.mux.Handle("POST /admin/people/{id}/tokens/{token}/revoke", s.admin(s.adminRevokeToken))
	s.mux.Handle("GET /admin/groups", s.admin(s.adminGroups))
	s.mux.Handle("POST /admin/groups", s.admin(s.adminCreateGroup))
	s.mux.Handle("GET /admin/groups/{id}", s.admin(s.adminGroup))
	s.mux.Handle("POST /admin/groups/{id}", s.admin(s.adminUpdateGroup))
	s.mux.Handle("GET "+chartPath, s.admin(s.adminChart))
	s.mux.Handle("POST "+chartPath, s.admin(s.adminImportChart))
	s.mux.Handle("GET /admin/settings", s.admin(s.adminSettings))
	s.mux.Handle("POST /admin/settings", s.admin(s.adminSaveSettings))
	s.mux.Handle("POST "+scimPath, s.admin(s.adminCreateSCIMToken))
	s.mux.Handle("POST "+scimPath+"/{id}/revoke", s.admin(s.adminRevokeSCIMToken))
	s.mux.Handle("GET /events", s.private(s.events))

	s.mux.Handle("GET /pitches/new", s.private(s.newPitch))
	s.mux.Handle("POST /pitches", s.private(s.createPitch))
	s.mux.Handle("GET /pitches/similar", s.private(s.similar))
	s.mux.Handle("GET /pitches/{id}", s.private(s.pitch))
	s.mux.Handle("POST /pitches/{id}/tickets", s.private(s.buy))
	s.mux.Handle("POST /pitches/{id}/refund", s.private(s.refund))
	s.mux.Handle("POST /pitches/{id}/decision", s.private(s.decide))
	s.mux.Handle("POST /pitches/{id}/withdraw", s.private(s.withdraw))
	s.mux.Handle("POST /pitches/{id}/rounds", s.private(s.openRound))
	s.mux.Handle("POST /pitches/{id}/rounds/{round}/responses", s.private(s.respond))
	s.mux.Handle("POST /pitches/{id}/rounds/{round}/close", s.private(s.closeRound))

	s.mux.Handle("GET /journeys/{id}", s.private(s.journey))
	s.mux.Handle("POST /journeys/{id}/drivers", s.private(s.nameDriver))
	s.mux.Handle("POST /journeys/{id}/stops", s.private(s.addStop))
	s.mux.Handle("POST /journeys/{id}/stops/{stop}", s.private(s.setStop))
	s.mux.Handle("POST /journeys/{id}/depart", s.private(s.depart))
	s.mux.Handle("POST /journeys/{id}/end", s.private(s.end))
	s.mux.Handle("POST /journeys/{id}/checkins", s.private(s.checkin))
	s.mux.Handle("POST /journeys/{id}/doubts", s.private(s.doubt))
	s.mux.Handle("POST /journeys/{id}/reconfirm", s.private(s.reconfirm))
	s.mux.Handle("POST /journeys/{id}/leave", s.private(s.leave))
	s.mux.Handle("POST /journeys/{id}/repitches", s.private(s.repitch))

	s.mux.Handle("GET /sessions/{id}", s.private(s.session))
	s.mux.Handle("POST /sessions/{id}/phase", s.private(s.movePhase))
	s.mux.Handle("POST /sessions/{id}/ideas", s.private(s.postIdea))
	s.mux.Handle("POST /sessions/{id}/clusters", s.private(s.makeCluster))
	s.mux.Handle("POST /sessions/{id}/votes", s.private(s.castVote))
	s.mux.Handle("POST /sessions/{id}/ideas/{idea}/pitch", s.private(s.pitchIdea))

	s.mux.Handle("GET /groups", s.private(s.groups))
	s.mux.Handle("GET /groups/{id}", s.private(s.group))
	s.mux.Handle("POST /groups/{id}/sessions", s.private(s.openSession))
	s.mux.Handle("POST /groups/{id}/members", s.private(s.addMember))
	s.mux.Handle("POST /groups/{id}/members/{person}/remove", s.private(s.removeMember))
	s.mux.Handle("GET /people/{id}", s.private(s.person))
	s.mux.Handle("GET /people/pick", s.private(s.pick))
	s.mux.Handle("GET /acts", s.private(s.acts))
	s.mux.Handle("GET /search", s.private(s.search))
	s.mux.Handle("GET /insights", s.private(s.insights))

	s.mux.Handle("/", s.public(func(w http.ResponseWriter, r *http.Request) error { return errNoPage }))
}
