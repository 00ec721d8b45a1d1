package userquery

import (
	"errors"
	"strings"
	"testing"
)

func TestBooleanOperators(t *testing.T) {
	tests := []struct {
		in, want string
		errCol   int
	}{
		{in: "rain AND valley", want: "+rain +valley"},
		{in: "rain && valley", want: "+rain +valley"},
		{in: "rain OR valley", want: "rain valley"},
		{in: "rain || valley", want: "rain valley"},
		{in: "NOT rain", want: "-rain"},
		{in: "! rain", want: "-rain"},
		{in: "bank AND NOT rain", want: "+bank -rain"},
		{in: "a AND b OR c", want: "+a +b c"},
		{in: "a OR b AND c", want: "a +b +c"},
		{in: `title:bank AND "interest rates"`, want: `+title:bank +"interest rates"`},
		{in: "+a AND -b", want: "+a -b"},
		{in: "bread and butter", want: "bread and butter"}, // lower case: words
		{in: `"rain AND valley"`, want: `"rain AND valley"`},
		{in: "AND rain", errCol: 1},
		{in: "rain AND", errCol: 6},
		{in: "rain OR", errCol: 6},
		{in: "rain AND OR valley", errCol: 10},
		{in: "rain NOT", errCol: 6},
		{in: "NOT NOT rain", errCol: 5},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			cs, err := splitClauses(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := booleanOperators(tc.in, cs)
			if tc.errCol > 0 {
				var qe *Error
				if !errors.As(err, &qe) || qe.Column != tc.errCol {
					t.Fatalf("err = %v, want an *Error at column %d", err, tc.errCol)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range out {
				got = append(got, c.text)
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("got %q, want %q", s, tc.want)
			}
		})
	}
}
