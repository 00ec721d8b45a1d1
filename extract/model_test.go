package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

// learnedExtractor has seen the first two republisher cross-posts, one
// short of recognising their shared appeal as boilerplate.
func learnedExtractor(t testing.TB) *Extractor {
	ex := New(Options{BoilerplatePages: 3})
	extractFixture(t, ex, "republisher.html", "https://commonswire.example/2024/03/19/river-towns-flood/", "")
	extractFixture(t, ex, "republisher-2.html", "https://commonswire.example/2024/03/20/ferries/", "")
	return ex
}

// TestModelRoundTrip saves a model after two pages and loads it into a new
// Extractor: the third page's appeal is boilerplate there, as it is in the
// Extractor that saw all three, while a fresh Extractor keeps it in Text.
func TestModelRoundTrip(t *testing.T) {
	const appeal = "Independent journalism needs readers like you."
	third := func(ex *Extractor) string {
		return extractFixture(t, ex, "republisher-3.html", "https://commonswire.example/2024/03/21/depot-library/", "").Article.Text
	}
	var buf bytes.Buffer
	n, err := learnedExtractor(t).WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) || n == 0 {
		t.Fatalf("WriteTo = %d, %v; buffer holds %d", n, err, buf.Len())
	}
	saved := buf.Bytes()

	tests := []struct {
		name      string
		load      []byte // nil: do not load
		wantInTxt bool
	}{
		{"fresh extractor keeps the appeal", nil, true},
		{"loaded model removes the appeal", saved, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := New(Options{BoilerplatePages: 3})
			if tc.load != nil {
				n, err := ex.ReadFrom(bytes.NewReader(tc.load))
				if err != nil || n != int64(len(tc.load)) {
					t.Fatalf("ReadFrom = %d, %v; want %d, nil", n, err, len(tc.load))
				}
			}
			if got := strings.Contains(third(ex), appeal); got != tc.wantInTxt {
				t.Errorf("Text contains the appeal = %v, want %v", got, tc.wantInTxt)
			}
		})
	}

	// Saving is deterministic, and loading then saving reproduces the bytes.
	var again, reloaded bytes.Buffer
	if _, err := learnedExtractor(t).WriteTo(&again); err != nil {
		t.Fatal(err)
	}
	ex := New(Options{BoilerplatePages: 3})
	if _, err := ex.ReadFrom(bytes.NewReader(saved)); err != nil {
		t.Fatal(err)
	}
	if _, err := ex.WriteTo(&reloaded); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), saved) || !bytes.Equal(reloaded.Bytes(), saved) {
		t.Errorf("model bytes differ between saves: %d, %d, %d bytes", len(saved), again.Len(), reloaded.Len())
	}

	// Loading the same model twice counts no page twice.
	ex = New(Options{BoilerplatePages: 3})
	for range 2 {
		if _, err := ex.ReadFrom(bytes.NewReader(saved)); err != nil {
			t.Fatal(err)
		}
	}
	var twice bytes.Buffer
	if _, err := ex.WriteTo(&twice); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(twice.Bytes(), saved) {
		t.Errorf("loading twice changed the model: %d bytes, want %d", twice.Len(), len(saved))
	}
}

// TestModelReadCorrupt: every truncation and a few corruptions of a saved
// model are refused with ErrBadModel and leave the model empty.
func TestModelReadCorrupt(t *testing.T) {
	var buf bytes.Buffer
	if _, err := learnedExtractor(t).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	saved := buf.Bytes()
	cases := map[string][]byte{
		"empty":       {},
		"other magic": append([]byte("syndex-boilerplate-v9\n"), saved[len(modelMagic):]...),
		"bad marker":  append(append([]byte{}, saved[:len(modelMagic)]...), 7),
		"huge name":   append(append([]byte{}, saved[:len(modelMagic)]...), 1, 0xff, 0xff, 0x03),
	}
	for i := 1; i < len(saved); i += max(1, len(saved)/40) {
		cases["truncated at "+strconv.Itoa(i)] = saved[:i]
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			ex := New(Options{BoilerplatePages: 3})
			if _, err := ex.ReadFrom(bytes.NewReader(b)); !errors.Is(err, ErrBadModel) {
				t.Fatalf("ReadFrom error = %v, want ErrBadModel", err)
			}
			var out bytes.Buffer
			if _, err := ex.WriteTo(&out); err != nil {
				t.Fatal(err)
			}
			if out.Len() != len(modelMagic)+1 {
				t.Errorf("a refused model changed the Extractor: %d bytes", out.Len())
			}
		})
	}
}

// TestModelReadError passes a reader's own error through.
func TestModelReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := New(Options{}).ReadFrom(io.MultiReader(strings.NewReader(modelMagic), errReader{boom}))
	if !errors.Is(err, boom) {
		t.Errorf("ReadFrom error = %v, want %v", err, boom)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// FuzzModelRead: any input is refused or loaded without panicking, and a
// loaded model saves again.
func FuzzModelRead(f *testing.F) {
	var buf bytes.Buffer
	if _, err := learnedExtractor(f).WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(modelMagic))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ex := New(Options{BoilerplatePages: 3, MaxParagraphsPerSite: 100})
		if _, err := ex.ReadFrom(bytes.NewReader(b)); err != nil {
			return
		}
		if _, err := ex.WriteTo(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

// ExampleExtractor_WriteTo saves what one Extractor learned about a site's
// furniture and loads it into another, which then strips the shared
// appeal from the first page it sees.
func ExampleExtractor_WriteTo() {
	page := func(n int) []byte {
		return []byte(fmt.Sprintf(`<html><head><title>Story %d</title><meta property="og:type" content="article"></head><body><article>
<h1>Story %d</h1>
<p>Paragraph one of story number %d tells what happened in the harbor town this week, at some length.</p>
<p>Paragraph two of story number %d adds what officials said about it and what comes next.</p>
<p>Independent journalism needs readers like you. Please donate today.</p>
</article></body></html>`, n, n, n, n))
	}
	ctx := context.Background()
	old := New(Options{BoilerplatePages: 2})
	for n := range 2 {
		if _, err := old.Extract(ctx, Input{URL: fmt.Sprintf("https://town.example/story-%d", n), HTML: page(n)}); err != nil {
			fmt.Println(err)
			return
		}
	}
	var saved bytes.Buffer
	if _, err := old.WriteTo(&saved); err != nil {
		fmt.Println(err)
		return
	}

	fresh := New(Options{BoilerplatePages: 2})
	if _, err := fresh.ReadFrom(&saved); err != nil {
		fmt.Println(err)
		return
	}
	res, err := fresh.Extract(ctx, Input{URL: "https://town.example/story-2", HTML: page(2)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Article.Boilerplate)
	// Output:
	// [Independent journalism needs readers like you. Please donate today.]
}
