package crawler_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/store"
)

// Example crawls a small loopback site: robots.txt first, then the home
// page and the articles it links, one request at a time with the
// configured gap; the handler receives each HTML page.
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "User-agent: *\nDisallow: /drafts/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/":
			io.WriteString(w, `<a href="/news/1">one</a> <a href="/news/2?utm_source=x">two</a> <a href="/drafts/3">draft</a>`)
		case "/news/1", "/news/2":
			io.WriteString(w, "<h1>Story</h1><p>Text.</p>")
		default:
			http.NotFound(w, r)
		}
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	dir, _ := os.MkdirTemp("", "syndex-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	c, err := crawler.New(crawler.Config{
		Seeds:        []string{"http://" + ln.Addr().String() + "/"},
		Delay:        20 * time.Millisecond,
		AllowPrivate: true, // the site is on loopback
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, st, func(ctx context.Context, p *crawler.Page) error {
		u, _ := url.Parse(p.URL)
		fmt.Println("page", u.RequestURI(), p.Status)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	stats, err := c.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pages:", stats.Pages, "robots-denied:", stats.RobotsDenied)
	// Output:
	// page / 200
	// page /news/1 200
	// page /news/2 200
	// pages: 3 robots-denied: 1
}
