package crawler

// hostOf returns the scheduler's key for raw's host (canonical host:port),
// or raw itself when it does not parse.
func hostOf(raw string) string {
	u, err := Canonicalize(raw)
	if err != nil {
		return raw
	}
	return u.Host
}
