package farm

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed content
var contentFS embed.FS

// storyDef is one story file under content/stories: a header of "key: value"
// lines, a "---" line, then paragraphs separated by blank lines.
type storyDef struct {
	ID        string
	Outlet    string
	Section   string
	Subject   string
	Lang      string
	Title     string
	Author    string
	Summary   string
	Published time.Time
	Paras     []string
}

// loadStories parses every embedded story file, sorted by id.
func loadStories() ([]*storyDef, error) {
	files, err := fs.Glob(contentFS, "content/stories/*.txt")
	if err != nil {
		return nil, fmt.Errorf("list stories: %w", err)
	}
	var out []*storyDef
	for _, name := range files {
		b, err := contentFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		s, err := parseStory(name, string(b))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// parseStory parses one story file; name is used in error messages.
func parseStory(name, text string) (*storyDef, error) {
	s := &storyDef{Lang: "en"}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	inBody := false
	var body paragraphs
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if inBody {
			body.add(t)
			continue
		}
		if t == "---" {
			inBody = true
			continue
		}
		if t == "" {
			continue
		}
		if err := s.headerLine(t); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	s.Paras = body.end()
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if err := s.complete(name); err != nil {
		return nil, err
	}
	return s, nil
}

// paragraphs gathers a story's body: paragraphs are runs of lines
// separated by blank lines, each joined into one line.
type paragraphs struct {
	done []string
	cur  []string
}

// add takes the body's next line (trimmed).
func (p *paragraphs) add(t string) {
	if t == "" {
		p.flush()
		return
	}
	p.cur = append(p.cur, t)
}

func (p *paragraphs) flush() {
	if len(p.cur) > 0 {
		p.done = append(p.done, strings.Join(p.cur, " "))
		p.cur = nil
	}
}

// end returns the paragraphs, the last one ended.
func (p *paragraphs) end() []string {
	p.flush()
	return p.done
}

// headerLine sets the header "key: value" of line t.
func (s *storyDef) headerLine(t string) error {
	k, v, ok := strings.Cut(t, ":")
	if !ok {
		return errors.New("header line without ':'")
	}
	return s.setHeader(k, strings.TrimSpace(v))
}

// setHeader sets the story's header field k to v.
func (s *storyDef) setHeader(k, v string) error {
	switch strings.TrimSpace(k) {
	case "id":
		s.ID = v
	case "outlet":
		s.Outlet = v
	case "section":
		s.Section = v
	case "subject":
		s.Subject = v
	case "lang":
		s.Lang = v
	case "title":
		s.Title = v
	case "author":
		s.Author = v
	case "summary":
		s.Summary = v
	case "published":
		p, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return fmt.Errorf("published: %w", err)
		}
		s.Published = p
	default:
		return fmt.Errorf("unknown header %q", k)
	}
	return nil
}

// complete checks that the story read from file name has what a story
// needs, and the id its file name says.
func (s *storyDef) complete(name string) error {
	switch {
	case s.ID == "" || s.Outlet == "" || s.Title == "" || s.Section == "":
		return fmt.Errorf("%s: id, outlet, section and title are required", name)
	case s.Published.IsZero():
		return fmt.Errorf("%s: published is required", name)
	case len(s.Paras) < 2:
		return fmt.Errorf("%s: story needs at least two paragraphs", name)
	}
	if want := strings.TrimSuffix(path.Base(name), ".txt"); want != s.ID {
		return fmt.Errorf("%s: id %q does not match the file name", name, s.ID)
	}
	return nil
}

// boiler returns an embedded boilerplate block (donation appeal, disclaimer).
func boiler(name string) (string, error) {
	b, err := contentFS.ReadFile("content/boiler/" + name + ".txt")
	if err != nil {
		return "", fmt.Errorf("read boilerplate %s: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}
