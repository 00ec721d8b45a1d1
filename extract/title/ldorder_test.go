package title

import (
	"net/url"
	"strings"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/meta"
)

// TestJSONLDHeadlineOrder: a page whose only title metadata is a JSON-LD
// object with several headline attributes and no name of two words or
// more (here a WebPage, which our JSON-LD reading does not take a title
// from). go-trafilatura then takes whichever headline attribute Go's map
// iteration gives first, so its title differs between runs of one page;
// ours must not.
func TestJSONLDHeadlineOrder(t *testing.T) {
	const page = `<!doctype html><html><head><meta charset="utf-8">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage","name":"Ferries",
"headline":"Harbor council approves a new ferry timetable for the winter",
"alternativeHeadline":"Ferries will leave every twenty minutes from Monday",
"alternateHeadline":"Winter ferry timetable approved"}</script>
</head><body><main><article>
<p>The harbor council approved on Tuesday a winter timetable for the three ferry lines that cross the bay, after a month of consultations with commuters and the crews.</p>
<p>From Monday the ferries will leave every twenty minutes during the morning and evening peaks, and every forty minutes in the middle of the day and at weekends.</p>
<p>The council said the change would cost nothing more, as the crews would be moved from the summer routes that close at the end of October every year.</p>
</article></main></body></html>`
	u, _ := url.Parse("https://ferries.example/news/timetable")
	titles := map[string]int{}
	trTitles := map[string]int{}
	for range 40 {
		res, err := trafilatura.Extract(strings.NewReader(page), trafilatura.Options{OriginalURL: u})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		m := meta.Read(doc, u)
		trTitles[res.Metadata.Title]++
		titles[Choose(m, res.Metadata, "ferries.example")]++
	}
	t.Logf("go-trafilatura's titles over 40 runs: %v", trTitles)
	if len(titles) != 1 {
		t.Errorf("the title differs between runs of one page: %v", titles)
	}
	if titles["Harbor council approves a new ferry timetable for the winter"] == 0 {
		t.Errorf("titles %v, want the JSON-LD headline (not an alternative)", titles)
	}
}
