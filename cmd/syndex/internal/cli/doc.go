// Package cli holds the command-line pieces every syndex command shares:
// the global flags and the one rule that finds the configuration and the
// archive directory (Globals), usage errors (exit code 2), flags that
// record whether they were given, and the input, output, date and signal
// helpers. It parses and opens; what a command does is in the library
// packages it calls.
package cli
