package web

import (
	"errors"
	"mime"
	"net/http"
)

// maxForm bounds a request's body: far more than any form of ours holds.
const maxForm = 64 << 10

// limitBody lets at most maxForm bytes of a body be read, and refuses
// multipart bodies before anything reads them: no form of ours sends a
// file, and parsing one would write it to a temporary file. A form is
// parsed here, so that one too large is answered as such instead of being
// read as empty further in.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.Method == http.MethodPost && r.URL.Path == chartPath {
			// The org chart's upload: larger, read in memory by its page,
			// which only admins reach.
			r.Body = http.MaxBytesReader(w, r.Body, maxChart)
			next.ServeHTTP(w, r)
			return
		}
		if mt == "multipart/form-data" {
			w.Header().Set("Connection", "close")
			s.errorPage(w, r, http.StatusUnsupportedMediaType, "This form was sent in a way we do not accept. "+
				"Send it from the page it is on.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if mt == "application/x-www-form-urlencoded" {
			var tooLarge *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &tooLarge) {
				s.errorPage(w, r, http.StatusRequestEntityTooLarge, "That was too much text to send at once: "+
					"a form takes at most 64 KiB. Shorten it and try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
