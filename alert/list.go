package alert

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/syndex/syndex/internal/printable"
)

// Filter keeps the alerts of rule (any when "") fired at or after since
// (any when zero), the latest limit of them when limit > 0.
func Filter(alerts []Alert, rule string, since time.Time, limit int) []Alert {
	var keep []Alert
	for _, a := range alerts {
		if (rule == "" || a.Rule == rule) && (since.IsZero() || !a.Fired.Before(since)) {
			keep = append(keep, a)
		}
	}
	if limit > 0 && len(keep) > limit {
		keep = keep[len(keep)-limit:]
	}
	return keep
}

// WriteJSONL writes one alert per line, each with its delivery when the
// webhook took or tried it.
func WriteJSONL(w io.Writer, alerts []Alert, delivered map[string]Delivery) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range alerts {
		line := struct {
			Alert
			Delivery *Delivery `json:"delivery,omitempty"`
		}{Alert: a}
		if d, ok := delivered[a.ID]; ok {
			line.Delivery = &d
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}

// WriteTable writes the alerts as a table for a terminal ("no alerts"
// when there are none); webhook adds each one's delivery.
func WriteTable(w io.Writer, alerts []Alert, delivered map[string]Delivery, webhook bool) error {
	if len(alerts) == 0 {
		_, err := fmt.Fprintln(w, "no alerts")
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	head := "FIRED\tRULE\tKIND\tSITE\tARTICLE"
	if webhook {
		head += "\tWEBHOOK"
	}
	fmt.Fprintln(tw, head)
	for _, a := range alerts {
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s", a.Fired.Local().Format(time.DateTime), printable.Clean(a.Rule), a.Kind,
			printable.Clean(a.Article.Site), printable.Truncate(printable.Clean(a.what()), 90))
		if webhook {
			row += "\t" + deliveryCell(delivered, a.ID)
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}

// what describes the alert's article for the table.
func (a Alert) what() string {
	what := a.Article.Title
	if what == "" {
		what = a.Article.URL
	}
	switch a.Kind {
	case KindReach:
		what = fmt.Sprintf("%d copies: %s", a.Copies, what)
	case KindCopies:
		if a.Original != nil {
			what = "copy of " + a.Original.Site + ": " + what
		}
	}
	return what
}

// deliveryCell is the WEBHOOK column of an alert.
func deliveryCell(delivered map[string]Delivery, id string) string {
	d, ok := delivered[id]
	switch {
	case !ok:
		return "pending"
	case d.Status == StatusDelivered:
		return fmt.Sprintf("delivered (%d attempts)", d.Attempts)
	default:
		return "failed: " + printable.Truncate(strings.ReplaceAll(d.Error, "\n", " "), 60)
	}
}
