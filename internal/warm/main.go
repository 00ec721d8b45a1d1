package main

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	_ "github.com/cespare/xxhash/v2"
	_ "github.com/gocolly/colly/v2"
	_ "github.com/markusmobius/go-trafilatura"
	_ "github.com/mmcdole/gofeed"
	_ "github.com/nlnwa/gowarc/v2"
	_ "github.com/robfig/cron/v3"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/temoto/robotstxt"
	_ "go.etcd.io/bbolt"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/time/rate"
	_ "github.com/redis/go-redis/v9"
	_ "golang.org/x/net/html/charset"
)

func main() {}
