package web

// SetCheck replaces how the pages check a password against its hash.
func SetCheck(s *Server, check func(hash, pw string) bool) { s.check = check }

// HashSlots is how many password checks may run at once.
func HashSlots() int { return cap(hashSlots) }
