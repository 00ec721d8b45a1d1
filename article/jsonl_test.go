package article

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+10)
	tests := []struct {
		name string
		in   string
		want []string // "N:line", or "N!" for a line reported as too long
	}{
		{"empty", "", nil},
		{"lines", "a\nb\n", []string{"1:a", "2:b"}},
		{"no final newline", "a\nb", []string{"1:a", "2:b"}},
		{"blank lines keep their numbers", "\n  \na\n\t\nb\n\n", []string{"3:a", "5:b"}},
		{"byte order mark", "\xef\xbb\xbfa\n\xef\xbb\xbfb\n", []string{"1:a", "2:\xef\xbb\xbfb"}},
		{"a line longer than the buffer", strings.Repeat("y", 3<<20) + "\nz\n", []string{"1:" + strings.Repeat("y", 3<<20), "2:z"}},
		{"a line too long is reported and skipped", "a\n" + long + "\nb", []string{"1:a", "2!", "3:b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.in))
			var got []string
			for {
				n, line, err := lr.Next()
				if err == io.EOF {
					break
				}
				var le *LineError
				switch {
				case errors.As(err, &le) && le.Line == n:
					got = append(got, itoa(n)+"!")
				case err != nil:
					t.Fatal(err)
				default:
					got = append(got, itoa(n)+":"+string(line))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				short := func(s []string) string { return strings.Join(s, "|")[:min(80, len(strings.Join(s, "|")))] }
				t.Errorf("got %s, want %s", short(got), short(tt.want))
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestDecode(t *testing.T) {
	tests := []struct {
		name, line, wantErr string
	}{
		{"good", `{"id":"a","text":"some text"}`, ""},
		{"site from the url", `{"url":"https://www.example.org/x","text":"t"}`, ""},
		{"not JSON", `{"id":`, "unexpected end of JSON input"},
		{"no text", `{"id":"a","text":"  "}`, `article "a" has no text`},
		{"no id and no url", `{"text":"t"}`, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Decode([]byte(tt.line))
			if tt.wantErr == "" {
				if err != nil || a.ID == "" || a.Site == "" && strings.Contains(tt.line, "url") {
					t.Fatalf("Decode = %+v, %v", a, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Decode error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestBadLinesError(t *testing.T) {
	var e BadLinesError
	for i := 1; i <= 7; i++ {
		e.Add(i*10, &LineError{Line: i * 10, Err: errors.New("bad")})
	}
	want := "7 bad line(s): line 10: bad; line 20: bad; line 30: bad; line 40: bad; line 50: bad; and 2 more"
	if e.Error() != want || len(e.Lines) != 7 || e.Lines[6] != 70 {
		t.Errorf("%q, lines %v", e.Error(), e.Lines)
	}
}

// TestLineReaderOffset: each line's byte offset is where the line reads
// again, past blank lines, a byte order mark, a too-long line and a line
// longer than the reader's buffer.
func TestLineReaderOffset(t *testing.T) {
	big := strings.Repeat("y", 3<<20)
	in := "\xef\xbb\xbfa\n\n  \nbc\r\n" + strings.Repeat("x", MaxLineBytes+10) + "\n" + big + "\nd"
	lr := NewLineReader(strings.NewReader(in))
	for {
		_, line, err := lr.Next()
		if err == io.EOF {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		off := lr.Offset()
		if got := in[off : off+int64(len(line))]; got != string(line) {
			t.Errorf("line %.10q at offset %d reads %.10q there", line, off, got)
		}
	}
}
