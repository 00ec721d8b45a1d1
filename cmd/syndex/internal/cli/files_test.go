package cli

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		flag, in string
		want     string // RFC 3339 with nanoseconds; "" for the zero time
		bad      bool
	}{
		{flag: "from", in: "", want: ""},
		{flag: "from", in: "2024-05-31", want: "2024-05-31T00:00:00Z"},
		{flag: "to", in: "2024-05-31", want: "2024-05-31T23:59:59.999999999Z"},
		{flag: "from", in: "2024-02", want: "2024-02-01T00:00:00Z"},
		{flag: "to", in: "2024-02", want: "2024-02-29T23:59:59.999999999Z"},
		{flag: "to", in: "2024-12", want: "2024-12-31T23:59:59.999999999Z"},
		{flag: "to", in: "2024-05-31T12:00:00+02:00", want: "2024-05-31T12:00:00+02:00"},
		{flag: "from", in: "31/05/2024", bad: true},
		{flag: "to", in: "2024-13-01", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.flag, tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			if !got.IsZero() {
				s = got.Format(time.RFC3339Nano)
			}
			if s != tt.want {
				t.Errorf("ParseDate(%s, %q) = %s, want %s", tt.flag, tt.in, s, tt.want)
			}
		})
	}
}
