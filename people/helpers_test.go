package people

import "github.com/wayfare-org/wayfare"

func fieldOf(err error) string {
	if e, ok := wayfare.AsError(err); ok {
		return e.Field
	}
	return ""
}
