package extract

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/syndex/syndex/internal/countio"
)

// The boilerplate model's serialised form: a magic line naming the format
// version, then per site its name and, per tracked paragraph, the paragraph
// hash and the hashes of the distinct pages it was seen on; an end marker
// closes the stream. Sites and paragraphs are written in sorted order, so
// equal models serialise to equal bytes.
const (
	modelMagic = "syndex-boilerplate-v1\n"
	// maxSiteName and maxModelPages bound what ReadFrom accepts per record,
	// so a corrupt stream cannot make it allocate without limit.
	maxSiteName   = 1024
	maxModelPages = 1 << 10
)

// ErrBadModel is returned by ReadFrom for a stream that is not a
// boilerplate model written by WriteTo.
var ErrBadModel = errors.New("not a syndex boilerplate model")

// WriteTo writes the per-site boilerplate model the Extractor has learned,
// so a later process can ReadFrom it and keep recognising site furniture
// from the first page it sees. It implements io.WriterTo.
func (e *Extractor) WriteTo(w io.Writer) (int64, error) {
	counted := &countio.Writer{W: w}
	bw := bufio.NewWriter(counted)
	cw := &modelWriter{w: bw}
	m := e.sites
	m.mu.Lock()
	sites := make([]string, 0, len(m.sites))
	for s := range m.sites {
		sites = append(sites, s)
	}
	slices.Sort(sites)
	cw.writeString(modelMagic)
	for _, s := range sites {
		st := m.sites[s]
		keys := make([]uint64, 0, len(st.pages))
		for k := range st.pages {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		cw.uvarint(1) // a site record follows
		cw.uvarint(uint64(len(s)))
		cw.writeString(s)
		cw.uvarint(uint64(len(keys)))
		for _, k := range keys {
			pages := st.pages[k]
			cw.uint64(k)
			cw.uvarint(uint64(len(pages)))
			for _, p := range pages {
				cw.uint64(p)
			}
		}
	}
	m.mu.Unlock()
	cw.uvarint(0) // end of model
	if cw.err == nil {
		cw.err = bw.Flush()
	}
	if cw.err != nil {
		return counted.N, fmt.Errorf("write boilerplate model: %w", cw.err)
	}
	return counted.N, nil
}

// ReadFrom merges a model written by WriteTo into the Extractor's model:
// page sightings of a paragraph are united, within the Extractor's
// per-site paragraph cap. A stream that is corrupt or of another format
// leaves the model unchanged and returns an error wrapping ErrBadModel
// (or the read error). It implements io.ReaderFrom.
func (e *Extractor) ReadFrom(r io.Reader) (int64, error) {
	cr := &countReader{r: bufio.NewReader(r)}
	read, what := cr.model()
	if what != "" {
		return cr.bad(what)
	}
	e.sites.merge(read)
	return cr.n, nil
}

// bad returns the count read and the error for a model that could not be
// read at what: the read error, or ErrBadModel when the data is wrong or
// ends early.
func (c *countReader) bad(what string) (int64, error) {
	if c.err != nil && !errors.Is(c.err, io.EOF) && !errors.Is(c.err, io.ErrUnexpectedEOF) {
		return c.n, fmt.Errorf("read boilerplate model: %s at byte %d: %w", what, c.n, c.err)
	}
	return c.n, fmt.Errorf("read boilerplate model: %s at byte %d: %w", what, c.n, ErrBadModel)
}

// model reads a serialised model: its magic, then site records up to the
// end marker. what names the part that could not be read ("" when the
// whole model was).
func (c *countReader) model() (read map[string]map[uint64][]uint64, what string) {
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(c, magic); err != nil || string(magic) != modelMagic {
		return nil, "magic"
	}
	read = map[string]map[uint64][]uint64{}
	for {
		more, ok := c.uvarint()
		if !ok || more > 1 {
			return nil, "record marker"
		}
		if more == 0 {
			return read, ""
		}
		if what := c.siteRecord(read); what != "" {
			return nil, what
		}
	}
}

// siteRecord reads one site's record (its name, then its paragraphs)
// into read; it returns the part that could not be read, or "".
func (c *countReader) siteRecord(read map[string]map[uint64][]uint64) string {
	n, ok := c.uvarint()
	if !ok || n == 0 || n > maxSiteName {
		return "site name length"
	}
	name := make([]byte, n)
	if _, err := io.ReadFull(c, name); err != nil {
		return "site name"
	}
	paras, ok := c.uvarint()
	if !ok {
		return "paragraph count"
	}
	site := read[string(name)]
	if site == nil {
		site = map[uint64][]uint64{}
		read[string(name)] = site
	}
	for i := uint64(0); i < paras; i++ {
		if what := c.paragraph(site); what != "" {
			return what
		}
	}
	return ""
}

// paragraph reads one paragraph's record (its hash, then the pages it was
// seen on, of which maxModelPages are kept) into site; it returns the
// part that could not be read, or "".
func (c *countReader) paragraph(site map[uint64][]uint64) string {
	k, ok1 := c.uint64()
	np, ok2 := c.uvarint()
	if !ok1 || !ok2 || np > maxModelPages {
		return "paragraph record"
	}
	pages := site[k]
	for j := uint64(0); j < np; j++ {
		p, ok := c.uint64()
		if !ok {
			return "page hash"
		}
		if len(pages) < maxModelPages {
			pages = append(pages, p)
		}
	}
	site[k] = pages
	return ""
}

// merge unites sightings read from a serialised model into m, keeping
// m's invariants: distinct pages, at most minPages per paragraph, at most
// maxParas paragraphs per site.
func (m *siteModel) merge(read map[string]map[uint64][]uint64) {
	if m.minPages <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for site, paras := range read {
		st := m.sites[site]
		if st == nil {
			st = &siteStats{pages: map[uint64][]uint64{}}
			m.sites[site] = st
		}
		keys := make([]uint64, 0, len(paras))
		for k := range paras {
			keys = append(keys, k)
		}
		slices.Sort(keys) // deterministic choice when the cap is hit
		for _, k := range keys {
			seen, ok := st.pages[k]
			if !ok && len(st.pages) >= m.maxParas {
				continue
			}
			for _, p := range paras[k] {
				if len(seen) >= m.minPages {
					break
				}
				if !slices.Contains(seen, p) {
					seen = append(seen, p)
				}
			}
			st.pages[k] = seen
		}
	}
}

// modelWriter writes the model's primitives, keeping the first error.
type modelWriter struct {
	w   io.Writer
	err error
	buf [binary.MaxVarintLen64]byte
}

func (c *modelWriter) write(b []byte) {
	if c.err != nil {
		return
	}
	_, c.err = c.w.Write(b)
}

func (c *modelWriter) writeString(s string) { c.write([]byte(s)) }

func (c *modelWriter) uvarint(v uint64) {
	n := binary.PutUvarint(c.buf[:], v)
	c.write(c.buf[:n])
}

func (c *modelWriter) uint64(v uint64) {
	binary.LittleEndian.PutUint64(c.buf[:8], v)
	c.write(c.buf[:8])
}

// countReader reads the model's primitives, counting bytes.
type countReader struct {
	r   *bufio.Reader
	n   int64
	err error
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

func (c *countReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	} else if c.err == nil {
		c.err = err
	}
	return b, err
}

func (c *countReader) uvarint() (uint64, bool) {
	v, err := binary.ReadUvarint(c)
	return v, err == nil
}

func (c *countReader) uint64() (uint64, bool) {
	var b [8]byte
	if _, err := io.ReadFull(c, b[:]); err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[:]), true
}
