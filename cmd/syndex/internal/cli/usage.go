package cli

import "fmt"

// UsageError marks bad usage or bad configuration: exit code 2 (README
// "Commands").
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef returns a usage error (exit 2) with a formatted one-line message.
func Usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// AsUsage marks err, when non-nil, as a usage or configuration error.
func AsUsage(err error) error {
	if err == nil {
		return nil
	}
	return UsageError{err}
}
