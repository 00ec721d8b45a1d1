package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

func TestRetryAfter(t *testing.T) {
	if d := retryAfter("3"); d != 3*time.Second {
		t.Errorf("seconds: %v", d)
	}
	// The wait is what is left until the date when retryAfter reads the
	// clock: between what was left just before the call and just after.
	at := time.Now().Add(10 * time.Second).Truncate(time.Second).Round(0) // whole seconds, wall clock only
	before := time.Until(at)
	d := retryAfter(at.UTC().Format(http.TimeFormat))
	if after := time.Until(at); d > before || d < after {
		t.Errorf("retryAfter(HTTP-date %v) = %v, want between %v and %v", at, d, after, before)
	}
	for _, v := range []string{"", "soon", "-5"} {
		if d := retryAfter(v); d != 0 {
			t.Errorf("retryAfter(%q) = %v", v, d)
		}
	}
}

func TestDecodeHTMLCharsets(t *testing.T) {
	tests := []struct {
		name, ctype, want string
		body              func() []byte
	}{
		{"windows-1256 header", "text/html; charset=windows-1256", "مرحبا بالعالم", func() []byte {
			b, _ := charmap.Windows1256.NewEncoder().Bytes([]byte("<p>مرحبا بالعالم</p>"))
			return b
		}},
		{"koi8-r meta", "text/html", "Привет, мир", func() []byte {
			b, _ := charmap.KOI8R.NewEncoder().Bytes([]byte(`<html><head><meta charset="koi8-r"></head><body>Привет, мир</body></html>`))
			return b
		}},
		{"shift_jis meta http-equiv", "text/html", "こんにちは世界", func() []byte {
			b, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>こんにちは世界</p>`))
			return b
		}},
		{"koi8-r undeclared, detected", "text/html", "Москва - столица России", func() []byte {
			b, _ := charmap.KOI8R.NewEncoder().Bytes([]byte("<html><body><p>" + strings.Repeat("Москва - столица России, крупнейший по численности населения город страны. ", 8) + "</p></body></html>"))
			return b
		}},
		{"windows-1252 default", "text/html", "café crème", func() []byte {
			b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte("<p>Le café crème est servi chaud dans la brasserie du coin, avec une tartine beurrée.</p>"))
			return b
		}},
		{"utf-8 bom beats header", "text/html; charset=iso-8859-1", "héllo", func() []byte {
			return []byte("\xef\xbb\xbf<p>héllo</p>")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := DecodeHTML(tc.body(), tc.ctype)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("decoded %q, want it to contain %q", out, tc.want)
			}
		})
	}
}
