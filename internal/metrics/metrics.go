// Package metrics writes the Prometheus text exposition format (version
// 0.0.4) by hand, which is all syndex's /metrics endpoint needs: families
// with HELP and TYPE lines and samples with escaped labels. It keeps no
// state and registers nothing; callers gather their figures at scrape time.
package metrics

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
)

// ContentType is the Content-Type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Writer writes one exposition. Errors are sticky and reported by Flush.
type Writer struct {
	w    *bufio.Writer
	seen map[string]bool
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriter(w), seen: map[string]bool{}}
}

// Family starts the metric family name of type typ ("counter", "gauge")
// with its help text; a family is described once however often it is
// started.
func (w *Writer) Family(name, typ, help string) {
	if w.seen[name] {
		return
	}
	w.seen[name] = true
	w.w.WriteString("# HELP " + name + " " + escapeHelp(help) + "\n")
	w.w.WriteString("# TYPE " + name + " " + typ + "\n")
}

// Sample writes one sample of name with value v; labels are alternating
// label names and values.
func (w *Writer) Sample(name string, v float64, labels ...string) {
	w.w.WriteString(name)
	if len(labels) > 1 {
		w.w.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				w.w.WriteByte(',')
			}
			w.w.WriteString(labels[i] + `="` + escapeLabel(labels[i+1]) + `"`)
		}
		w.w.WriteByte('}')
	}
	w.w.WriteByte(' ')
	w.w.WriteString(FormatValue(v))
	w.w.WriteByte('\n')
}

// Flush writes what is buffered and returns the first write error.
func (w *Writer) Flush() error { return w.w.Flush() }

// FormatValue formats a sample value as the text format wants it.
func FormatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
