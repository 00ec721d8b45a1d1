package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// leafKeys lists the single-valued fields of t by their dotted yaml keys:
// what the table of Settings must cover.
func leafKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		key := prefix + tag
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct && !reflect.PointerTo(ft).Implements(scalarType):
			keys = append(keys, leafKeys(ft, key+".")...)
		case ft.Kind() == reflect.Map, ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			// lists and maps of records: documented in the example's prose
		default:
			keys = append(keys, key)
		}
	}
	return keys
}

func TestSettingsCoverTheConfig(t *testing.T) {
	inTable := map[string]bool{}
	flags := map[string]string{}
	for _, s := range Settings {
		if inTable[s.Key] {
			t.Errorf("%s is in the table twice", s.Key)
		}
		inTable[s.Key] = true
		if _, ok := Default().field(s.Key); !ok {
			t.Errorf("setting %s names no field of Config", s.Key)
		}
		if s.Doc == "" {
			t.Errorf("setting %s has no doc", s.Key)
		}
		if other, ok := flags[s.Flag]; ok && s.Flag != "" {
			t.Errorf("flag --%s overrides both %s and %s", s.Flag, other, s.Key)
		}
		flags[s.Flag] = s.Key
	}
	for _, key := range leafKeys(reflect.TypeFor[Config](), "") {
		if !inTable[key] {
			t.Errorf("field %s is not in the table of Settings", key)
		}
	}
}

// TestExampleShowsEverySetting: each setting stands once in the example,
// with its doc, and loads as the value shown.
func TestExampleShowsEverySetting(t *testing.T) {
	ex := Example()
	c, err := Parse("example.yaml", []byte(ex))
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Join(slices.DeleteFunc(strings.Fields(ex), func(w string) bool { return w == "#" }), " ")
	for _, s := range Settings {
		leaf := s.Key[strings.LastIndexByte(s.Key, '.')+1:]
		if !strings.Contains(words, strings.Join(strings.Fields(s.Doc), " ")) {
			t.Errorf("the example does not carry the doc of %s", s.Key)
		}
		want := s.Example
		if want == "" {
			want, _ = Default().Value(s.Key)
		}
		if got, _ := c.Value(s.Key); got != want && !(s.Key == "data" && strings.HasSuffix(got, "syndex-data")) {
			t.Errorf("%s loads as %s from the example, which shows %s", s.Key, got, want)
		}
		if n := strings.Count(ex, "\n"+strings.Repeat(" ", 2*strings.Count(s.Key, "."))+leaf+": "); n < 1 {
			t.Errorf("%s: no line %q in the example", s.Key, leaf+": ")
		}
	}
}

func TestFlags(t *testing.T) {
	keys := []string{"crawl.delay", "crawl.body_cap", "crawl.max_depth", "crawl.allow_private", "crawl.include", "user_agent", "serve.addr"}
	tests := []struct {
		name    string
		args    []string
		check   func(c *Config) bool
		wantErr string
	}{
		{"no flags keep the file", nil, func(c *Config) bool {
			return c.Crawl.Delay.D() == 3*time.Second && c.Crawl.BodyCap == 1<<20 && len(c.Crawl.Include) == 1
		}, ""},
		{"flags win", []string{"--delay", "5s", "--max-body", "2MiB", "--max-depth", "3", "--allow-private", "--user-agent", "probe/1", "--addr", "127.0.0.1:9"},
			func(c *Config) bool {
				return c.Crawl.Delay.D() == 5*time.Second && c.Crawl.BodyCap == 2<<20 && c.Crawl.MaxDepth == 3 &&
					c.Crawl.AllowPrivate && c.UserAgent == "probe/1" && c.Serve.Addr == "127.0.0.1:9"
			}, ""},
		{"a list flag adds", []string{"--include", "b", "--include", "c"}, func(c *Config) bool {
			return strings.Join(c.Crawl.Include, ",") == "^a,b,c"
		}, ""},
		{"bad size", []string{"--max-body", "lots"}, nil, `--max-body invalid size "lots"`},
		{"size below the floor", []string{"--max-body", "100"}, nil, "--max-body: must be at least 1KiB"},
		{"negative delay", []string{"--delay", "-1s"}, nil, "--delay: must not be negative"},
		{"negative depth", []string{"--max-depth", "-1"}, nil, "--max-depth: must not be negative, got -1"},
		{"bad regexp", []string{"--include", "("}, nil, "--include: invalid regexp"},
		{"bad address", []string{"--addr", "nowhere"}, nil, `--addr: "nowhere" is not host:port`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			AddFlags(fs, keys...)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			c, err := Parse("t.yaml", []byte("crawl:\n  delay: 3s\n  body_cap: 1MiB\n  include: ['^a']\n"))
			if err != nil {
				t.Fatal(err)
			}
			err = c.ApplyFlags(fs, keys...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ApplyFlags = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("config after flags: %+v", c)
			}
		})
	}
	// The flags show the defaults of Default.
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	AddFlags(fs, keys...)
	for flag, want := range map[string]string{"delay": "1s", "max-body": "10MiB", "max-depth": "10", "addr": "127.0.0.1:8080", "user-agent": ""} {
		if got := fs.Lookup(flag).DefValue; got != want {
			t.Errorf("--%s default %q, want %q", flag, got, want)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	for _, tt := range []struct {
		in   ByteSize
		want string
	}{{0, "0"}, {1023, "1023"}, {1 << 10, "1KiB"}, {10 << 20, "10MiB"}, {3 << 30, "3GiB"}, {1536, "1536"}} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%d: %q, want %q", tt.in, got, tt.want)
		}
		if back, err := ParseByteSize(tt.in.String()); err != nil || back != tt.in {
			t.Errorf("%q reads back as %d, %v", tt.in.String(), back, err)
		}
	}
}
