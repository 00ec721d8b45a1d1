package daterange

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in       string
		from, to string // RFC 3339 with nanoseconds; "" for the zero time
		bad      bool
	}{
		{in: "", from: "", to: ""},
		{in: "2024-05-31", from: "2024-05-31T00:00:00Z", to: "2024-05-31T23:59:59.999999999Z"},
		{in: "2024-02", from: "2024-02-01T00:00:00Z", to: "2024-02-29T23:59:59.999999999Z"},
		{in: "2024-12", from: "2024-12-01T00:00:00Z", to: "2024-12-31T23:59:59.999999999Z"},
		{in: "2024-05-31T12:00:00+02:00", from: "2024-05-31T12:00:00+02:00", to: "2024-05-31T12:00:00+02:00"},
		{in: "31/05/2024", bad: true},
		{in: "2024-13-01", bad: true},
		{in: "2024-05-31 ", bad: true},
	}
	format := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339Nano)
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			from, ferr := From(tt.in)
			to, terr := To(tt.in)
			if tt.bad {
				if ferr == nil || terr == nil {
					t.Fatalf("From, To(%q) = %v, %v; want errors", tt.in, from, to)
				}
				return
			}
			if ferr != nil || terr != nil {
				t.Fatal(ferr, terr)
			}
			if got := format(from); got != tt.from {
				t.Errorf("From(%q) = %s, want %s", tt.in, got, tt.from)
			}
			if got := format(to); got != tt.to {
				t.Errorf("To(%q) = %s, want %s", tt.in, got, tt.to)
			}
		})
	}
}

func TestRange(t *testing.T) {
	tests := []struct {
		from, to string
		bound    Bound // "" when the range is accepted
		reversed bool
	}{
		{from: "", to: ""},
		{from: "2024-05-31", to: "2024-05-31"}, // one day: both bounds inclusive
		{from: "2024-05", to: "2024-05-31"},
		{from: "2024-05-31", to: ""},
		{from: "", to: "2024-05-31"},
		{from: "2024-06-01", to: "2024-05-31", bound: "to", reversed: true},
		{from: "2024-06", to: "2024-05", bound: "to", reversed: true},
		{from: "2024-05-31T12:00:00Z", to: "2024-05-31T11:59:59Z", bound: "to", reversed: true},
		{from: "yesterday", to: "2024-05-31", bound: "from"},
		{from: "2024-05-31", to: "tomorrow", bound: "to"},
		{from: "yesterday", to: "tomorrow", bound: "from"},
	}
	for _, tt := range tests {
		t.Run(tt.from+".."+tt.to, func(t *testing.T) {
			_, _, err := Range(tt.from, tt.to)
			if tt.bound == "" {
				if err != nil {
					t.Fatalf("Range(%q, %q): %v", tt.from, tt.to, err)
				}
				return
			}
			var re *RangeError
			if !errors.As(err, &re) {
				t.Fatalf("Range(%q, %q) = %v, want a *RangeError", tt.from, tt.to, err)
			}
			if re.Bound != tt.bound || re.Reversed != tt.reversed {
				t.Errorf("Range(%q, %q): bound %q reversed %v, want %q %v", tt.from, tt.to, re.Bound, re.Reversed, tt.bound, tt.reversed)
			}
			if !strings.HasPrefix(err.Error(), string(tt.bound)+": ") {
				t.Errorf("error %q does not name %s", err, tt.bound)
			}
		})
	}
}
