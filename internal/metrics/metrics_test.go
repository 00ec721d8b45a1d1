package metrics

import (
	"math"
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *Writer)
		want  string
	}{
		{"counter with labels", func(w *Writer) {
			w.Family("syndex_pages_total", "counter", "HTML pages fetched.")
			w.Sample("syndex_pages_total", 12, "source", "ledger")
			w.Family("syndex_pages_total", "counter", "described once")
			w.Sample("syndex_pages_total", 3, "source", "wire")
		}, "# HELP syndex_pages_total HTML pages fetched.\n# TYPE syndex_pages_total counter\n" +
			"syndex_pages_total{source=\"ledger\"} 12\nsyndex_pages_total{source=\"wire\"} 3\n"},
		{"escaping", func(w *Writer) {
			w.Family("g", "gauge", "back\\slash\nnewline")
			w.Sample("g", 0.5, "a", "q\"uote", "b", "x\\y\nz")
		}, "# HELP g back\\\\slash\\nnewline\n# TYPE g gauge\ng{a=\"q\\\"uote\",b=\"x\\\\y\\nz\"} 0.5\n"},
		{"no labels and special values", func(w *Writer) {
			w.Sample("a", math.Inf(1))
			w.Sample("b", math.NaN())
			w.Sample("c", 1.7e9)
		}, "a +Inf\nb NaN\nc 1.7e+09\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			w := NewWriter(&b)
			tc.write(w)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tc.want)
			}
		})
	}
}
