package dedup

import "testing"

func TestPlainPath(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://net.example/our-mission-statement", true},
		{"https://net.example/how-we-are-funded/", true},
		{"https://net.example/legal/small-print.html", true},
		{"https://net.example/", true},
		{"https://net.example/2024/03/05/our-mission", false},                // dated
		{"https://net.example/news/story-1165475.html", false},               // an id
		{"https://net.example/article.php?id=236094", false},                 // an id in the query
		{"https://net.example/council-votes-to-close-the-old-bridge", false}, // a headline's slug
		{"/our-mission", false},                                              // no host: cannot tell
		{"", false},
	} {
		if got := plainPath(tc.url); got != tc.want {
			t.Errorf("plainPath(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}
