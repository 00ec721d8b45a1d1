package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// A Setting is one single-valued key of syndex.yaml. The table of them
// (Settings) is the one place a setting is named and described: `config
// example` writes each with its doc, and the commands define the flags
// that override settings from it (AddFlags, ApplyFlags), with the default
// the key has in Default. Lists and maps of records (sources, alert
// rules, collections, site profiles) are not settings: the example shows
// them in its prose.
type Setting struct {
	// Key is the dotted path in the file ("crawl.body_cap").
	Key string
	// Flag is the command-line flag that overrides it ("max-body"); empty
	// when none does. The flags keep the names they were published with.
	Flag string
	// Doc says what the setting does, in one line: the flag's help and the
	// example's comment.
	Doc string
	// Example is the value `config example` shows when it is not the
	// default (YAML, as in the file).
	Example string
}

// Settings lists every setting in the order `config example` shows them.
var Settings = []Setting{
	{Key: "data", Flag: "data", Doc: "archive directory (store, WARC files, dedup and search indexes), relative to this file; default: --data, $SYNDEX_DATA, ./syndex-data", Example: "./syndex-data"},
	{Key: "user_agent", Flag: "user-agent", Doc: "the crawler's User-Agent product token; the contact is appended as (+contact); default: syndex, its version and a contact URL", Example: "syndex/0.1"},
	{Key: "contact", Doc: "a URL or e-mail address where site owners can reach you", Example: "https://example.org/about-our-crawler"},
	{Key: "frontier", Flag: "frontier", Doc: "Redis holding the shared frontier and article stream of `syndex worker` and `syndex index` (redis://HOST:PORT[/DB]); empty: each crawl keeps its own"},

	{Key: "crawl.delay", Flag: "delay", Doc: "minimum gap between two requests to one host (robots.txt Crawl-delay wins when longer)", Example: "2s"},
	{Key: "crawl.max_pages", Flag: "max-pages", Doc: "pages per run, 0 = unlimited"},
	{Key: "crawl.per_host_budget", Flag: "max-per-host", Doc: "pages per host per run, 0 = unlimited", Example: "500"},
	{Key: "crawl.max_depth", Flag: "max-depth", Doc: "links followed from the seeds, 0 = unlimited", Example: "5"},
	{Key: "crawl.max_feeds_per_host", Flag: "max-feeds-per-host", Doc: "different feeds found on a host's pages (<link rel=alternate>) that are read, in the order met, 0 = unlimited; listed feeds are not counted"},
	{Key: "crawl.body_cap", Flag: "max-body", Doc: "bytes kept per response; longer ones are truncated and marked (WARC-Truncated)"},
	{Key: "crawl.timeout", Flag: "timeout", Doc: "whole request, headers and body"},
	{Key: "crawl.allow_private", Flag: "allow-private", Doc: "permit loopback and private-range addresses (refused by default, after DNS; for tests and intranets)"},
	{Key: "crawl.proxy", Flag: "proxy", Doc: "proxy for every request (http://, https://, socks5://); empty: HTTPS_PROXY/HTTP_PROXY/NO_PROXY; direct: none", Example: `""`},
	{Key: "crawl.include", Flag: "include", Doc: "URL regexps; when any are set, a URL must match one to be crawled (flags add to the file's)"},
	{Key: "crawl.exclude", Flag: "exclude", Doc: "URL regexps that are never crawled (flags add to the file's)", Example: `['\.(pdf|jpg|png|gif|mp4)$', '/(login|signup|cart)\b']`},

	{Key: "dedup.shingle", Doc: "words per shingle, 1..8; 0 keeps the tuned default", Example: "3"},
	{Key: "dedup.containment", Doc: "share of the smaller text found in the other, (0, 1]; 0 keeps the tuned default", Example: "0.5"},
	{Key: "dedup.jaccard", Doc: "minimum overall similarity, stops short quotes matching; 0 keeps the tuned default", Example: "0.12"},
	{Key: "dedup.min_shared", Doc: "minimum shared shingles; 0 keeps the tuned default", Example: "3"},
	{Key: "dedup.rewrite", Doc: "share of a later article's text found in an earlier one (both dated) that makes it a rewrite, a copy even below containment; -1 turns the rule off; 0 keeps the tuned default", Example: "0.25"},
	{Key: "dedup.align", Doc: "share of a later article's text (both dated, on different sites, at most a week apart) in sentences that each align to one sentence of an earlier article, which makes it a rewrite of it (rephrased sentence by sentence); -1 turns the rule off; 0 keeps the tuned default", Example: "0.58"},
	{Key: "dedup.verify", Doc: "share of an article's whole text in sentences aligned to an earlier article of another site (a week before it at most, sharing its rare words) with which syndex dedup's verifying stage, reading the input's texts again after clustering, makes an article left unique a copy of it; -1 turns the stage off; 0 keeps the tuned default", Example: "0.7"},
	{Key: "dedup.furniture_sites", Doc: "sites an undated, unsigned template page must be on to count as site furniture, not a story; -1 turns the rule off; 0 keeps the default", Example: "6"},

	{Key: "index.analyzer", Doc: "text analysis: auto analyzes each article by its language (the one mode built; standard and the language codes en, fr, de, es, it, pt, nl, ar, cjk are accepted and act as auto)"},
	{Key: "index.batch_size", Doc: "articles stored before the search index is updated"},
	{Key: "index.batch_delay", Doc: "longest a stored article waits to be searchable"},

	{Key: "extract.lazy_fallback", Doc: "run the Readability fallback only on pages whose extracted text looks short for the page: less CPU per page, a few pages keep go-trafilatura's text (README, Measured)"},

	{Key: "serve.addr", Flag: "addr", Doc: `where "syndex serve" listens, and where "syndex run" serves the UI, read API, /metrics and /healthz`},

	{Key: "alerts.file", Doc: "alerts are appended here, relative to the archive directory"},
	{Key: "alerts.webhook.url", Doc: "every alert is also POSTed here (e.g. https://hooks.example/syndex); empty: the file only", Example: `""`},
	{Key: "alerts.webhook.timeout", Doc: "per attempt"},
	{Key: "alerts.webhook.retries", Doc: "attempts after the first failure, waiting backoff, 2×backoff, ..."},
	{Key: "alerts.webhook.backoff", Doc: "the first wait between attempts"},
}

// Lookup returns the setting named key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// field returns the field of c that key names, following yaml tags.
func (c *Config) field(key string) (reflect.Value, bool) {
	v := reflect.ValueOf(c).Elem()
	for part := range strings.SplitSeq(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		i, ok := fieldIndex(v.Type(), part)
		if !ok {
			return reflect.Value{}, false
		}
		v = v.Field(i)
	}
	return v, true
}

// fieldIndex finds the field of struct type t whose yaml tag is name.
func fieldIndex(t reflect.Type, name string) (int, bool) {
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag == name {
			return i, true
		}
	}
	return 0, false
}

// Value returns key's value in c as it is written in the file ("10MiB",
// "1s", "[]"), and false for a key that is not a setting.
func (c *Config) Value(key string) (string, bool) {
	v, ok := c.field(key)
	if !ok {
		return "", false
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", true
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case Duration:
		return shortDuration(x.D()), true
	case ByteSize:
		return x.String(), true
	case string:
		if x == "" {
			return `""`, true
		}
		return x, true
	case []string:
		return flowList(x), true
	}
	return fmt.Sprint(v.Interface()), true
}

// flowList writes a list of strings as a YAML flow sequence of
// single-quoted strings, a quote inside doubled.
func flowList(x []string) string {
	quoted := make([]string, len(x))
	for i, s := range x {
		quoted[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// shortDuration writes d without trailing zero units: 1m, not 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// String writes the size in the largest binary unit that divides it.
func (b ByteSize) String() string {
	for _, u := range []struct {
		suffix string
		mult   ByteSize
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if b != 0 && b%u.mult == 0 {
			return strconv.FormatInt(int64(b/u.mult), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// AddFlags defines on fs the flags that override the settings named by
// keys, with the setting's doc as help and its value in Default as the
// default shown. It panics on a key that is not a setting with a flag: a
// programming error.
func AddFlags(fs *pflag.FlagSet, keys ...string) {
	def := Default()
	for _, key := range keys {
		s, ok := Lookup(key)
		v, found := def.field(key)
		if !ok || !found || s.Flag == "" {
			panic("config: no flag for setting " + key)
		}
		addFlag(fs, key, s, v.Interface())
	}
}

// addFlag defines on fs the flag of the setting s (named key) whose
// default value is def.
func addFlag(fs *pflag.FlagSet, key string, s Setting, def any) {
	switch x := def.(type) {
	case Duration:
		fs.Duration(s.Flag, x.D(), s.Doc)
	case ByteSize:
		fs.String(s.Flag, x.String(), s.Doc)
	case string:
		fs.String(s.Flag, x, s.Doc)
	case int:
		fs.Int(s.Flag, x, s.Doc)
	case bool:
		fs.Bool(s.Flag, x, s.Doc)
	case []string:
		fs.StringArray(s.Flag, nil, s.Doc+" (repeatable)")
	default:
		panic(fmt.Sprintf("config: setting %s has no flag type for %T", key, x))
	}
}

// ApplyFlags sets, in c, each setting named by keys whose flag the user
// gave on fs (AddFlags defined it; list flags add to the file's list),
// and checks the result: a bad value is an error naming the flag, as the
// file's would name the key.
func (c *Config) ApplyFlags(fs *pflag.FlagSet, keys ...string) error {
	byKey := map[string]string{}
	for _, key := range keys {
		s, ok := Lookup(key)
		v, found := c.field(key)
		if !ok || !found || s.Flag == "" {
			panic("config: no flag for setting " + key)
		}
		if fl := fs.Lookup(s.Flag); fl == nil || !fl.Changed {
			continue
		}
		byKey[s.Key] = s.Flag
		if err := setFlag(v, fs, s.Flag); err != nil {
			return fmt.Errorf("--%s %v", s.Flag, err)
		}
	}
	if len(byKey) == 0 {
		return nil
	}
	return flagProblem(c.Validate(), byKey)
}

// flagProblem names the flag a validation error (err) is about: the
// first problem with a setting a flag was given for (byKey: setting key
// → flag) is that flag's error; other errors are returned as they are.
func flagProblem(err error, byKey map[string]string) error {
	e, ok := asError(err)
	if !ok {
		return err
	}
	for _, p := range e.Problems {
		key := p.Field
		if i := strings.IndexByte(key, '['); i >= 0 {
			key = key[:i]
		}
		if flag, ok := byKey[key]; ok {
			return fmt.Errorf("--%s: %s", flag, p.Problem)
		}
	}
	return err
}

// setFlag sets v from the flag's value.
func setFlag(v reflect.Value, fs *pflag.FlagSet, flag string) error {
	switch v.Interface().(type) {
	case Duration:
		d, err := fs.GetDuration(flag)
		v.Set(reflect.ValueOf(Duration(d)))
		return err
	case ByteSize:
		s, err := fs.GetString(flag)
		if err != nil {
			return err
		}
		return v.Addr().Interface().(*ByteSize).parseScalar(s)
	case string:
		s, err := fs.GetString(flag)
		v.SetString(s)
		return err
	case int:
		n, err := fs.GetInt(flag)
		v.SetInt(int64(n))
		return err
	case bool:
		b, err := fs.GetBool(flag)
		v.SetBool(b)
		return err
	case []string:
		l, err := fs.GetStringArray(flag)
		v.Set(reflect.AppendSlice(v, reflect.ValueOf(l)))
		return err
	}
	return fmt.Errorf("unsupported setting type %s", v.Type())
}
