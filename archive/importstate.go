package archive

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/warc"
)

// What ImportWARC keeps in the store, so that an interrupted import
// continues where it stopped and an imported file is not read twice:
// per record stream (keyed by its fingerprint) how far it was read; and
// where each imported HTML payload is, so that revisit records (in this
// import or a later one) can be resolved against their original.
var (
	bucketImportSources  = []byte("import.sources")
	bucketImportPayloads = []byte("import.payloads")
	bucketImportRevisits = []byte("import.revisits")
)

// sourceState is the progress of one record stream.
type sourceState struct {
	Path     string        `json:"path"`
	Entry    string        `json:"entry,omitempty"`
	Size     int64         `json:"size"`
	Pos      warc.Position `json:"pos"`
	Done     bool          `json:"done,omitempty"`
	Records  int64         `json:"records"`
	Articles int64         `json:"articles"`
	Bad      int64         `json:"bad,omitempty"`
	Started  time.Time     `json:"started"`
	Updated  time.Time     `json:"updated"`
}

func (a *Archive) loadSourceState(fp string) (*sourceState, error) {
	var st *sourceState
	err := a.Store.DB().View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketImportSources)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(fp))
		if v == nil {
			return nil
		}
		st = &sourceState{}
		return json.Unmarshal(v, st)
	})
	if err != nil {
		return nil, fmt.Errorf("read import state: %w", err)
	}
	return st, nil
}

// payloadKeys are the keys under which an HTML capture is found again by
// a revisit: its payload digest, and its URI with its capture date.
func payloadKeys(digest, uri string, date time.Time) []string {
	var keys []string
	if d := normDigest(digest); d != "" {
		keys = append(keys, "d:"+d)
	}
	if uri != "" && !date.IsZero() {
		keys = append(keys, "u:"+uri+" "+date.UTC().Format("20060102150405"))
	}
	return keys
}

func normDigest(d string) string {
	d = strings.TrimSpace(d)
	alg, val, ok := strings.Cut(d, ":")
	if !ok || val == "" {
		return ""
	}
	return strings.ToLower(alg) + ":" + val
}

type streamSave struct {
	fp string
	st *sourceState
}

// saveImport records, in one transaction, the progress of streams, the
// payload locations seen since the last save, revisits to keep for later
// (add) and kept ones resolved now (del).
func (a *Archive) saveImport(states []streamSave, payloads map[string]string, add []*warc.Capture, del []string) error {
	err := a.Store.DB().Update(func(tx *bolt.Tx) error {
		if err := putSources(tx, states); err != nil {
			return err
		}
		if err := putPayloads(tx, payloads); err != nil {
			return err
		}
		return updateRevisits(tx, add, del)
	})
	if err != nil {
		return fmt.Errorf("save import state: %w", err)
	}
	return nil
}

// putSources records the progress of streams, stamped now.
func putSources(tx *bolt.Tx, states []streamSave) error {
	if len(states) == 0 {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketImportSources)
	if err != nil {
		return err
	}
	for _, s := range states {
		s.st.Updated = time.Now().UTC()
		v, err := json.Marshal(s.st)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(s.fp), v); err != nil {
			return err
		}
	}
	return nil
}

// putPayloads records the locations of HTML payloads by key (see
// payloadKeys).
func putPayloads(tx *bolt.Tx, payloads map[string]string) error {
	if len(payloads) == 0 {
		return nil
	}
	p, err := tx.CreateBucketIfNotExists(bucketImportPayloads)
	if err != nil {
		return err
	}
	for k, loc := range payloads {
		if err := p.Put([]byte(k), []byte(loc)); err != nil {
			return err
		}
	}
	return nil
}

// updateRevisits keeps the revisits add for later and forgets the kept
// ones del, resolved now.
func updateRevisits(tx *bolt.Tx, add []*warc.Capture, del []string) error {
	if len(add)+len(del) == 0 {
		return nil
	}
	r, err := tx.CreateBucketIfNotExists(bucketImportRevisits)
	if err != nil {
		return err
	}
	for _, c := range add {
		v, err := json.Marshal(pendingRevisit{URI: c.URI, Date: c.Date, Digest: c.PayloadDigest,
			RefersToURI: c.RefersToURI, RefersToDate: c.RefersToDate, Status: c.Status})
		if err != nil {
			return err
		}
		if err := r.Put([]byte(c.Location()), v); err != nil {
			return err
		}
	}
	for _, k := range del {
		if err := r.Delete([]byte(k)); err != nil {
			return err
		}
	}
	return nil
}

// pendingRevisit is a revisit record whose original was not found yet.
type pendingRevisit struct {
	URI          string    `json:"uri"`
	Date         time.Time `json:"date"`
	Digest       string    `json:"digest,omitempty"`
	RefersToURI  string    `json:"refers_to_uri,omitempty"`
	RefersToDate time.Time `json:"refers_to_date,omitzero"`
	Status       int       `json:"status,omitempty"`
}

type keptRevisit struct {
	key string
	rv  *warc.Capture
}

// pendingRevisits returns up to n kept revisits after key after.
func (a *Archive) pendingRevisits(after string, n int) ([]keptRevisit, error) {
	var out []keptRevisit
	err := a.Store.DB().View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketImportRevisits)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < n; k, v = c.Next() {
			var p pendingRevisit
			if err := json.Unmarshal(v, &p); err != nil {
				continue
			}
			rv := &warc.Capture{Type: "revisit", URI: p.URI, Date: p.Date,
				PayloadDigest: p.Digest, RefersToURI: p.RefersToURI, RefersToDate: p.RefersToDate, Status: p.Status}
			// The key is the revisit record's location.
			if src, off, idx, err := warc.ParseLocation(string(k)); err == nil {
				rv.Source, rv.Offset, rv.Index = src, off, idx
			}
			out = append(out, keptRevisit{key: string(k), rv: rv})
		}
		return nil
	})
	return out, err
}

// payloadLocation finds where an earlier import read the payload a key
// names.
func (a *Archive) payloadLocation(key string) string {
	var loc string
	a.Store.DB().View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketImportPayloads); b != nil {
			if v := b.Get([]byte(key)); v != nil {
				loc = string(v)
			}
		}
		return nil
	})
	return loc
}

// ImportedSource describes a record stream an import has read.
type ImportedSource struct {
	Fingerprint string
	Path        string // absolute path of the file
	Entry       string // inside a WACZ
	Done        bool
}

// ImportedSources lists the files imported into the archive (done or
// interrupted). The web UI serves raw records only from these files.
func (a *Archive) ImportedSources() ([]ImportedSource, error) {
	var out []ImportedSource
	err := a.Store.DB().View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketImportSources)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var st sourceState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("import state %s: %w", k, err)
			}
			out = append(out, ImportedSource{Fingerprint: string(k), Path: st.Path, Entry: st.Entry, Done: st.Done})
			return nil
		})
	})
	return out, err
}
