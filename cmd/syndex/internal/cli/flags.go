package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/pflag"
)

// given is a flag bound to a field, like pflag's typed Var functions,
// that also records whether the command line set it: the few options
// whose default depends on other options (search --limit, eval dedup
// --furniture, …) tell "given" from "left at its default" with it, never
// by looking the flag up by name.
type given[T any] struct {
	p     *T
	set   *bool
	parse func(string) (T, error)
	typ   string
}

func (v *given[T]) String() string { return fmt.Sprint(*v.p) }
func (v *given[T]) Type() string   { return v.typ }

func (v *given[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p, *v.set = x, true
	return nil
}

// IntVarGiven defines an int flag bound to p; *set becomes true when the
// command line gives it.
func IntVarGiven(f *pflag.FlagSet, p *int, set *bool, name string, value int, usage string) {
	*p = value
	f.Var(&given[int]{p: p, set: set, typ: "int", parse: func(s string) (int, error) {
		n, err := strconv.ParseInt(s, 0, 64)
		return int(n), err
	}}, name, usage)
}

// StringVarGiven defines a string flag bound to p; *set becomes true when
// the command line gives it (even as "").
func StringVarGiven(f *pflag.FlagSet, p *string, set *bool, name, value, usage string) {
	*p = value
	f.Var(&given[string]{p: p, set: set, typ: "string", parse: func(s string) (string, error) { return s, nil }}, name, usage)
}

// Float64VarGiven defines a float64 flag bound to p; *set becomes true
// when the command line gives it.
func Float64VarGiven(f *pflag.FlagSet, p *float64, set *bool, name string, value float64, usage string) {
	*p = value
	f.Var(&given[float64]{p: p, set: set, typ: "float64", parse: func(s string) (float64, error) {
		return strconv.ParseFloat(s, 64)
	}}, name, usage)
}
