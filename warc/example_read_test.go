package warc_test

import (
	"context"
	"fmt"

	"github.com/syndex/syndex/warc"
)

// Read the HTML pages of a web archive, whatever wrote it.
func ExampleCaptures() {
	for c, err := range warc.Captures(context.Background(), []string{"testdata/warcio.warc.gz", "testdata/handmade.arc.gz"}, warc.ReadOptions{}) {
		if err != nil {
			fmt.Println("bad input:", err) // file and offset; reading goes on
			continue
		}
		fmt.Println(c.Type, c.Date.Format("2006-01-02"), c.URI, len(c.Body) > 0)
	}
	// Output:
	// response 2023-03-14 http://wire.example/news/river-flood true
	// response 2023-03-14 http://wire.example/news/council-budget true
	// revisit 2023-03-15 https://mirror.example/2023/river-flood false
	// response 2023-03-14 http://wire.example/news/harbour-ferry true
	// resource 2023-03-14 http://wire.example/news/library-hours true
	// response 2023-03-14 http://wire.example/news/cafe-terraces true
	// response 2008-04-30 http://ledger.example/2008/04/30/shipyard.html true
	// response 2008-04-30 http://ledger.example/2008/04/30/tolls.html true
}
