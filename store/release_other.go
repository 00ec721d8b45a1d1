//go:build !linux

package store

// ReleasePages does nothing on this system (see the Linux version).
func (s *Store) ReleasePages() error { return nil }
