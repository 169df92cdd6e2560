package html

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		`<p>One</p><p>Two<br>Three</p>`,
		`<table><tr><td>A</td><td>&nbsp;</td><td>B &amp; C</td></tr></table>`,
		`<div style="display:none"><ix:header><xbrli:context id="c"><xbrli:period><xbrli:instant>2026-01-01</xbrli:instant></xbrli:period></xbrli:context></ix:header></div>` +
			`<p><ix:nonFraction name="a:B" contextRef="c" scale="6" sign="-" format="ixt:num-dot-decimal">1,2</ix:nonFraction></p>`,
		"<DOCUMENT>\n<TYPE>EX-99.1\n<TEXT>\n<html><body><p>x</p></body></html>",
		"<p>caf\xe9 \x93q\x94</p>",
		"<meta charset=\"iso-8859-1\"><p>\xa0x\xa0</p>",
		"<pre>a\n b</pre><script/><title/><p>&#8217;&#x1F600;&#0;&#99999999;",
		`<ix:nonNumeric continuedAt="a">x</ix:nonNumeric><ix:continuation id="a" continuedAt="a">y</ix:continuation>`,
		"<xmp><b>&amp;</b></xmp><plaintext>&lt;",
	}
	if data, err := os.ReadFile(fixturePath); err == nil {
		seeds = append(seeds, string(data))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(context.Background(), "fuzz.htm", data)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Reason() == "" {
				t.Fatalf("error %v is not an *Error with a reason", err)
			}
			if perr.Offset < 0 || perr.Offset > int64(len(data)) {
				t.Fatalf("error offset %d outside the input of %d bytes", perr.Offset, len(data))
			}
			return
		}
		checkInvariants(t, doc, data)
		if strings.TrimSpace(doc.Text) == "" {
			t.Fatalf("parse returned empty text without ErrNoBody")
		}
	})
}
