package dedup

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/dedup/synth"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTiming(t *testing.T) {
	opt := synth.Default()
	opt.Stories = 4000
	arts := synth.Generate(opt, 42)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, a := range arts {
		enc.Encode(a)
	}
	cfg := DefaultConfig()
	for range 3 {
		c0, t0 := cpu(), time.Now()
		Run(context.Background(), bytes.NewReader(buf.Bytes()), io.Discard, cfg)
		c, w := cpu()-c0, time.Since(t0)
		t.Logf("%d docs: wall %v (%.0f docs/s) cpu %v (%.1f µs/doc)", len(arts), w, float64(len(arts))/w.Seconds(), c, float64(c.Microseconds())/float64(len(arts)))
	}
}
