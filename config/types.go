package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Duration is a time.Duration written as "1s", "500ms" or "2h30m" in YAML.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// parseScalar parses a YAML scalar such as "1.5s".
func (d *Duration) parseScalar(s string) error {
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("invalid duration %q (want e.g. 500ms, 2s, 1h30m)", s)
	}
	*d = Duration(v)
	return nil
}

// ByteSize is a size in bytes written as "10MiB", "512KB" or "1048576".
type ByteSize int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

// ParseByteSize parses a size such as "10MiB", "512KB" or "1048576" (for
// command-line flags that take the same sizes as the file).
func ParseByteSize(s string) (ByteSize, error) {
	var b ByteSize
	err := b.parseScalar(s)
	return b, err
}

// parseScalar parses a size with an optional unit suffix.
func (b *ByteSize) parseScalar(s string) error {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" {
		return fmt.Errorf("invalid size %q (want e.g. 10MiB, 512KB, 1048576)", s)
	}
	v := n * float64(mult)
	if v > float64(1<<62) {
		return fmt.Errorf("size %q is too large", s)
	}
	*b = ByteSize(v)
	return nil
}

// Schedule says when something recurs: an interval ("15m", "@every 15m")
// or a cron expression with five fields or a descriptor ("0 */6 * * *",
// "@hourly"). The zero Schedule never fires.
type Schedule struct {
	expr     string
	every    time.Duration
	schedule cron.Schedule
}

// ParseSchedule parses an interval or a cron expression.
func ParseSchedule(s string) (Schedule, error) {
	expr := strings.TrimSpace(s)
	if expr == "" {
		return Schedule{}, fmt.Errorf("empty schedule")
	}
	iv := strings.TrimSpace(strings.TrimPrefix(expr, "@every "))
	if d, err := time.ParseDuration(iv); err == nil {
		if d < time.Second {
			return Schedule{}, fmt.Errorf("interval %q is shorter than 1s", s)
		}
		return Schedule{expr: expr, every: d}, nil
	}
	if strings.HasPrefix(expr, "@every") {
		return Schedule{}, fmt.Errorf("invalid interval %q (want e.g. @every 15m)", s)
	}
	sch, err := cron.ParseStandard(expr)
	if err != nil {
		return Schedule{}, fmt.Errorf("invalid cron expression %q: %v (want an interval like 15m or five fields like \"0 */6 * * *\")", s, err)
	}
	return Schedule{expr: expr, schedule: sch}, nil
}

// parseScalar parses the schedule from YAML.
func (s *Schedule) parseScalar(v string) error {
	p, err := ParseSchedule(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// IsZero reports whether no schedule was set.
func (s Schedule) IsZero() bool { return s.expr == "" }

// String returns the schedule as written.
func (s Schedule) String() string { return s.expr }

// Interval returns the fixed interval of an interval schedule, 0 for cron.
func (s Schedule) Interval() time.Duration { return s.every }

// Next returns the first activation strictly after t; the zero time when
// the schedule is unset.
func (s Schedule) Next(t time.Time) time.Time {
	switch {
	case s.every > 0:
		return t.Add(s.every)
	case s.schedule != nil:
		return s.schedule.Next(t)
	}
	return time.Time{}
}

// MarshalYAML writes the schedule back as written.
func (s Schedule) MarshalYAML() (any, error) { return s.expr, nil }

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// scalar is implemented by the types that parse themselves from a YAML
// scalar; the decoder adds file, line and field to their errors.
type scalar interface{ parseScalar(string) error }
