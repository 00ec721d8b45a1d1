package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestLicense: the project is licensed under the Apache License 2.0.
func TestLicense(t *testing.T) {
	b, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Apache License", "Version 2.0, January 2004", "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "END OF TERMS AND CONDITIONS"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
}

// TestDockerfile checks what the image promises: a multi-stage build of a
// static binary stamped with the commit and build date, run as a non-root
// user with the archive in the /data volume. With SYNDEX_DOCKER=1 and a
// running Docker engine it also builds the image and runs `syndex
// version` and the demo in it; without an engine that part is skipped.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, re := range []string{
		`(?m)^FROM golang:\S+ AS build$`,
		`(?m)^FROM \S+$`, // the final stage
		`CGO_ENABLED=0 go build`,
		`-X main\.commit=\$\{COMMIT\} -X main\.buildDate=\$\{BUILD_DATE\}`,
		`(?m)^COPY --from=build /out/syndex `,
		`(?m)^VOLUME /data$`,
		`(?m)^ENV SYNDEX_DATA=/data$`,
		`(?m)^USER 65532:65532$`,
		`(?m)^ENTRYPOINT \["/usr/local/bin/syndex"\]$`,
	} {
		if !regexp.MustCompile(re).MatchString(df) {
			t.Errorf("Dockerfile does not match %s", re)
		}
	}
	if n := strings.Count(df, "\nFROM "); n != 2 {
		t.Errorf("%d stages, want 2 (build, run)", n)
	}
	if os.Getenv("SYNDEX_DOCKER") == "" {
		t.Skip("image not built (set SYNDEX_DOCKER=1 to build it when a Docker engine runs)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, "docker", "info").Run(); err != nil {
		t.Skipf("no Docker engine: %v", err)
	}
	build := exec.Command("docker", "build", "--build-arg", "COMMIT=test", "--build-arg", "BUILD_DATE=2026-01-02T03:04:05Z", "-t", "syndex:test", "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	out, err := exec.Command("docker", "run", "--rm", "syndex:test", "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "commit  test") || !strings.Contains(string(out), "built   2026-01-02T03:04:05Z") {
		t.Errorf("syndex version in the image: %v\n%s", err, out)
	}
	out, err = exec.Command("docker", "run", "--rm", "--entrypoint", "", "syndex:test", "/usr/local/bin/syndex", "demo", "--keep").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo finished") {
		t.Errorf("demo in the image (as uid 65532, writing /data): %v\n%s", err, out)
	}
}
