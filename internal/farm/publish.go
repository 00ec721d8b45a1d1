package farm

import (
	"fmt"
	"strings"
	"time"
)

// Article is a story added while the farm runs, e.g. by a test of
// scheduled crawling that needs a feed to gain items over time.
type Article struct {
	ID        string    // unique story id, used in its URL
	Outlet    string    // key of the publishing outlet
	Title     string    // headline
	Author    string    // byline
	Section   string    // section; default "news"
	Lang      string    // default the outlet's language
	Summary   string    // feed and meta description
	Published time.Time // default now
	Paras     []string  // at least two paragraphs
}

// Publish adds an original story to an outlet: its page, home and section
// pages, feed and sitemap change at once, and Truth lists it. It returns
// the story's URL.
func (f *Farm) Publish(a Article) (string, error) {
	if a.ID == "" || slugify(a.ID) != a.ID {
		return "", fmt.Errorf("farm: publish: id %q must be lower-case words joined by '-'", a.ID)
	}
	if strings.TrimSpace(a.Title) == "" || len(a.Paras) < 2 {
		return "", fmt.Errorf("farm: publish %s: needs a title and at least two paragraphs", a.ID)
	}
	f.cmu.Lock()
	defer f.cmu.Unlock()
	o := f.byKey[a.Outlet]
	if o == nil {
		return "", fmt.Errorf("farm: publish %s: unknown outlet %q", a.ID, a.Outlet)
	}
	if err := f.addStory(a.story(o)); err != nil {
		return "", fmt.Errorf("farm: publish: %w", err)
	}
	if err := o.render(); err != nil {
		return "", fmt.Errorf("farm: publish %s: render %s: %w", a.ID, o.def.Name, err)
	}
	return f.truth[f.truthIdx[a.ID]].URL, nil
}

// story is a's story on outlet o, with the defaults: section news, the
// outlet's language, published now.
func (a *Article) story(o *outlet) *storyDef {
	s := &storyDef{ID: a.ID, Outlet: a.Outlet, Section: a.Section, Lang: a.Lang, Title: a.Title,
		Author: a.Author, Summary: a.Summary, Published: a.Published, Paras: a.Paras}
	if s.Section == "" {
		s.Section = "news"
	}
	if s.Lang == "" {
		s.Lang = o.def.Lang
	}
	if s.Published.IsZero() {
		s.Published = time.Now().Truncate(time.Second)
	}
	return s
}

// Syndicate makes outlet key copy story id (KindWrapped or KindRetitled on
// a republisher, KindTruncated on the truncator), published at the given
// time (default now). It returns the copy's URL.
func (f *Farm) Syndicate(id, key string, kind CopyKind, title string, published time.Time) (string, error) {
	f.cmu.Lock()
	defer f.cmu.Unlock()
	if published.IsZero() {
		published = time.Now().Truncate(time.Second)
	}
	if s := f.stories[id]; s != nil && !published.After(s.Published) {
		return "", fmt.Errorf("farm: syndicate %s: copy must be published after the original (%s)", id, s.Published)
	}
	if err := f.addCopy(id, key, kind, title, published); err != nil {
		return "", fmt.Errorf("farm: syndicate: %w", err)
	}
	if err := f.byKey[key].render(); err != nil {
		return "", fmt.Errorf("farm: syndicate %s: %w", id, err)
	}
	cs := f.truth[f.truthIdx[id]].Copies
	return cs[len(cs)-1].URL, nil
}
