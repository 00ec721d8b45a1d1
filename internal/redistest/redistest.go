// Package redistest gives tests a real Redis server: the one named by
// $SYNDEX_TEST_REDIS (as .ci/redis.sh exports it), else a private
// redis-server started on a free loopback port for the test. Tests skip,
// saying why, when neither is available. It does not mock Redis.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvVar names the environment variable holding a redis:// URL to use.
const EnvVar = "SYNDEX_TEST_REDIS"

// URL returns the URL of a running Redis for t, starting one when needed;
// a server started here is stopped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvVar); u != "" {
		return u
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skipf("no Redis: $%s is unset and redis-server is not installed (run .ci/redis.sh or apt-get install redis-server)", EnvVar)
	}
	u, stop, err := Start(bin, t.TempDir())
	if err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(stop)
	return u
}

// Start runs the redis-server binary bin on a free 127.0.0.1 port with
// persistence off and dir as its working directory, waits until it answers
// PING, and returns its URL and a function that stops it.
func Start(bin, dir string) (string, func(), error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return "", nil, err
		}
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "no",
			"--logfile", filepath.Join(dir, "redis.log"))
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("start %s: %w", bin, err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stop := func() {
			cmd.Process.Kill()
			<-exited
		}
		u := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
		if lastErr = waitReady(u, exited); lastErr == nil {
			return u, stop, nil
		}
		stop()
	}
	return "", nil, fmt.Errorf("redis-server did not come up: %w", lastErr)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(u string, exited <-chan struct{}) error {
	opt, err := redis.ParseURL(u)
	if err != nil {
		return err
	}
	c := redis.NewClient(opt)
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ping %s: %w", u, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Namespace returns a fresh namespace so tests sharing one server never
// see each other's keys.
func Namespace(t testing.TB) string {
	var b [6]byte
	rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}
