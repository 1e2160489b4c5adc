package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// events streams committed acts as server-sent events: the event name is
// the verb, the data the act as in /api/v1/acts.
func (s *Server) events(w http.ResponseWriter, r *http.Request) error {
	rc := http.NewResponseController(w)
	sub := s.svc.Hub().Subscribe(256)
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	beat := time.NewTicker(s.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-beat.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case a, ok := <-sub.C:
			if !ok {
				return nil
			}
			b, err := json.Marshal(a)
			if err != nil {
				return nil
			}
			fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", a.ID, a.Verb, b)
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}
