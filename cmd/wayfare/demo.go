package main

import (
	"context"
	"errors"
)

func (e *env) demo(ctx context.Context, args []string) error {
	return errors.New("demo: not yet available")
}
