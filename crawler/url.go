package crawler

import (
	"net/url"

	"github.com/syndex/syndex/crawler/urls"
)

// Canonicalize parses raw and returns the form the seen set keys on
// (urls.Canonicalize).
func Canonicalize(raw string) (*url.URL, error) { return urls.Canonicalize(raw) }

// Key is the seen-set key of a canonical URL (urls.Key).
func Key(u *url.URL) string { return urls.Key(u) }

// ErrTrap marks URLs refused as crawler traps (urls.Trap).
var ErrTrap = urls.ErrTrap
