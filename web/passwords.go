package web

import (
	"context"

	"github.com/wayfare-org/wayfare/people"
)

// hashSlots bounds the password checks running at once in the process:
// each argon2id check takes 64 MiB and a core for a while, so a burst of
// sign-ins waits its turn instead of taking the machine's memory.
var hashSlots = make(chan struct{}, 3)

// dummyHash is checked when no account has the address typed, so that an
// unknown address takes as long as a wrong password. Its parameters are
// those of people.HashPassword (a test sees to it); no password matches it
// that anyone knows.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$qhPHMtxGZEBWt895RbJN/g$KObDMbS0NPpts0fQPfUrjuD1HU2IlnnHFMKxIsZne10"

// checkPassword reports whether pw matches hash once a hashing slot is
// free; it gives up when ctx ends first.
func (s *Server) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	if err := takeSlot(ctx); err != nil {
		return false, err
	}
	defer func() { <-hashSlots }()
	return s.check(hash, pw), nil
}

// hashPassword hashes a new password once a hashing slot is free.
func hashPassword(ctx context.Context, pw string) (string, error) {
	if err := takeSlot(ctx); err != nil {
		return "", err
	}
	defer func() { <-hashSlots }()
	return people.HashPassword(pw)
}

func takeSlot(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
