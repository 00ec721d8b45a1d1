package warc

import (
	"fmt"
	"testing"

	gowarc "github.com/nlnwa/gowarc/v2"
)

// TestRotationKeepsGroupsAndWarcinfoID rotates after every group (a tiny
// MaxFileSize) and checks, with the nlnwa reader, that a request and its
// response or revisit are never split across files, and that every record
// names its file's warcinfo record in WARC-Warcinfo-ID.
func TestRotationKeepsGroupsAndWarcinfoID(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, Options{MaxFileSize: 1, Info: []Field{{"software", "test"}}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 3
	for i := 0; i < n; i++ {
		ex := exchange(fmt.Sprintf("http://127.0.0.1/p%d", i), fmt.Sprintf("<p>%d</p>", i), "")
		if _, err := w.WriteExchange(ex); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.WriteRevisit(exchange("http://127.0.0.1/p0", "", ""), Revisit{Profile: ProfileServerNotModified}); err != nil {
		t.Fatal(err)
	}
	extra := &Record{Type: "resource", TargetURI: "urn:x-test:note", ContentType: "text/plain", Block: []byte("note")}
	if _, err := w.Write(extra); err != nil {
		t.Fatal(err)
	}
	if extra.ID == "" {
		t.Error("Write did not fill the record's ID")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, dir)
	if len(files) != n+2 {
		t.Fatalf("%d files, want %d (one per group)", len(files), n+2)
	}
	for name, recs := range files {
		if recs[0].Type() != gowarc.Warcinfo {
			t.Fatalf("%s starts with %v", name, recs[0].Type())
		}
		infoID := recs[0].WarcHeader().Get(gowarc.WarcRecordID)
		ids := map[string]bool{}
		for _, r := range recs {
			ids[r.WarcHeader().Get(gowarc.WarcRecordID)] = true
		}
		for _, r := range recs[1:] {
			if got := r.WarcHeader().Get(gowarc.WarcWarcinfoID); got != infoID {
				t.Errorf("%s: %v record's WARC-Warcinfo-ID %q, want %q", name, r.Type(), got, infoID)
			}
			if ct := r.WarcHeader().Get(gowarc.WarcConcurrentTo); ct != "" && !ids[ct] {
				t.Errorf("%s: %v record is concurrent to %s, which is in another file", name, r.Type(), ct)
			}
		}
		if len(recs) != 3 && !(len(recs) == 2 && recs[1].Type() == gowarc.Resource) {
			t.Errorf("%s holds %d records, want warcinfo + one group", name, len(recs))
		}
	}
}
