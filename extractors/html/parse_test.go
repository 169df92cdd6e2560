package html

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

const fixturePath = "../../fixtures/html/acme-10k-2026.htm"

func mustParse(t testing.TB, src string) *schemas.Document {
	t.Helper()
	doc, err := Parse(context.Background(), "test.htm", []byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	checkInvariants(t, doc, []byte(src))
	return doc
}

func TestParseText(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string
	}{
		{"paragraphs and br", `<p>One</p><p>Two<br>Three</p>`, "One\nTwo\nThree\n"},
		{"whitespace collapses", "<p>  a \n\t b  </p>", "a b\n"},
		{"inline tags join", `<p>Net <b>income</b>rose</p>`, "Net incomerose\n"},
		{"no leading space", `<p> <span> </span> x</p>`, "x\n"},
		{"table cells", `<table><tr><td>A</td><td></td><td> B </td></tr><tr><td>C</td></tr></table>`, "A\tB\nC\n"},
		{"blocks inside cells", `<table><tr><td><div>China</div><sup>(1)</sup></td><td><p>66</p></td></tr><tr><td>Total<br>net</td></tr></table>`, "China (1)\t66\nTotal net\n"},
		{"nested table in cell", `<table><tr><td>a<table><tr><td>b</td></tr><tr><td>c</td></tr></table></td><td>d</td></tr></table>`, "a\nb\nc\nd\n"},
		{"layout table cell", `<table><tr><td><p>` + strings.Repeat("word ", 60) + `</p><p>next</p></td></tr></table>`, strings.Repeat("word ", 59) + "word\nnext\n"},
		{"headings and lists", `<h2>Risks</h2><ul><li>one<li>two</ul>`, "Risks\none\ntwo\n"},
		{"entities", `<p>Apple&#8217;s &amp; Co&nbsp;&nbsp;x &lt;y&gt; &copy &bogus; &#x41;&#65</p>`, "Apple’s & Co x <y> © &bogus; AA\n"},
		{"windows-1252 reference", `<p>&#147;quoted&#148;</p>`, "“quoted”\n"},
		{"nbsp character", "<p>a\u00a0\u00a0b</p>", "a b\n"},
		{"script style comment", `<head><title>T</title><style>p{}</style><script>var a = "<p>x</p>";</script></head><body><!-- <p>c</p> --><p>v</p></body>`, "T\nv\n"},
		{"display none", `<div style="color:red; DISPLAY : None">h</div><p hidden>h2</p><p>v</p>`, "v\n"},
		{"display block shown", `<div style="display:block">v</div>`, "v\n"},
		{"self-closed div", `<div/><p>after</p>`, "after\n"},
		{"self-closed hidden div", `<div style="display:none"/><p>shown</p>`, "shown\n"},
		{"self-closed script", `<script/><p>after</p>`, "after\n"},
		{"unclosed paragraphs", `<p>a<p>b`, "a\nb\n"},
		{"stray end tags", `</div></span><p>a</p></p>`, "a\n"},
		{"pre keeps lines", "<pre>a  b\nc</pre>", "a b\nc\n"},
		{"ix header excluded", `<div><ix:header><ix:hidden>secret</ix:hidden></ix:header>shown</div>`, "shown\n"},
		{"byte order mark", "\ufeff<p>x</p>", "x\n"},
		{"control characters", "<p>a\x01b\x7fc</p>", "abc\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := mustParse(t, c.src)
			if doc.Text != c.want {
				t.Errorf("text: got %q, want %q", doc.Text, c.want)
			}
		})
	}
}

func TestParseSGMLWrapper(t *testing.T) {
	src := "<DOCUMENT>\n<TYPE>EX-99.1\n<SEQUENCE>2\n<FILENAME>ex991.htm\n<DESCRIPTION>PRESS RELEASE\n<TEXT>\n<html><body><p>Results</p></body></html>\n</TEXT>\n</DOCUMENT>\n"
	doc := mustParse(t, src)
	if doc.Text != "Results\n" {
		t.Errorf("text: got %q, want %q", doc.Text, "Results\n")
	}
	if doc.Form != "EX-99.1" {
		t.Errorf("form: got %q, want EX-99.1", doc.Form)
	}
	if doc.MediaType != schemas.MediaHTML {
		t.Errorf("media type: got %q, want %q", doc.MediaType, schemas.MediaHTML)
	}
}

func TestParseSourceOffsets(t *testing.T) {
	src := `<p>Apple&#8217;s <b>net</b>  sales &amp; more</p><table><tr><td>x</td><td>y</td></tr></table>`
	doc := mustParse(t, src)
	cases := []struct {
		name     string
		textAt   string
		sourceAt string
	}{
		{"first byte", "Apple", "Apple"},
		{"entity", "’", "&#8217;"},
		{"after entity", "s net", "s <b>"},
		{"inside inline tag", "net", "net</b>"},
		{"collapsed space", " sales", "  sales"},
		{"amp entity", "& more", "&amp;"},
		{"cell", "y", "y</td></tr>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ti := strings.Index(doc.Text, c.textAt)
			si := strings.Index(src, c.sourceAt)
			if ti < 0 || si < 0 {
				t.Fatalf("text %q at %d, source %q at %d", c.textAt, ti, c.sourceAt, si)
			}
			if got := doc.SourceOffset(ti); got != int64(si) {
				t.Errorf("SourceOffset(%d): got %d, want %d", ti, got, si)
			}
		})
	}
	t.Run("inserted separators", func(t *testing.T) {
		for _, sep := range []string{"\n", "\t"} {
			i := strings.Index(doc.Text, sep)
			if got := doc.SourceOffset(i); got != -1 {
				t.Errorf("SourceOffset of inserted %q at %d: got %d, want -1", sep, i, got)
			}
		}
	})
}

func TestParseCharsets(t *testing.T) {
	cases := []struct {
		name        string
		src         string
		want        string
		warning     bool
		sourceOfNon string // a source substring whose first byte the first non-ASCII text character maps to
	}{
		{"windows-1252 without declaration", "<p>caf\xe9 \x93quoted\x94</p>", "café “quoted”\n", false, "\xe9"},
		{"declared latin1", "<meta charset=\"iso-8859-1\"><p>na\xefve&nbsp;x\xa0y</p>", "naïve x y\n", false, "\xef"},
		{"declared utf-8 but invalid", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><p>caf\xe9</p>", "café\n", true, "\xe9"},
		{"xml declaration honoured", "<?xml version='1.0' encoding='windows-1252'?><p>\xc3\xa9</p>", "Ã©\n", false, "\xc3"},
		{"ascii declaration", "<?xml version='1.0' encoding='ASCII'?><p>plain</p>", "plain\n", false, ""},
		{"utf-8 without declaration", "<p>caf\xc3\xa9</p>", "café\n", false, "\xc3"},
		{"unknown charset", `<meta charset="x-nonsense"><p>a</p>`, "a\n", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := mustParse(t, c.src)
			if doc.Text != c.want {
				t.Errorf("text: got %q, want %q", doc.Text, c.want)
			}
			if got := len(doc.Warnings) > 0; got != c.warning {
				t.Errorf("warnings: got %q, want some=%v", doc.Warnings, c.warning)
			}
			if c.sourceOfNon == "" {
				return
			}
			ti := strings.IndexFunc(doc.Text, func(r rune) bool { return r >= 0x80 })
			if got, want := doc.SourceOffset(ti), int64(strings.Index(c.src, c.sourceOfNon)); got != want {
				t.Errorf("SourceOffset(%d): got %d, want %d", ti, got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	small, err := New(Config{MaxBytes: 10})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		ctx    context.Context
		parser *Parser
		src    string
		reason string
		is     error
		offset int64
	}{
		{"empty", context.Background(), defaultParser, "", ReasonEmptyFile, ErrEmptyFile, 0},
		{"binary", context.Background(), defaultParser, "<p>\x00\x01\x02</p>", ReasonNotHTML, ErrNotHTML, 3},
		{"pdf", context.Background(), defaultParser, "%PDF-1.7\n<p>x</p>", ReasonNotHTML, ErrNotHTML, 0},
		{"plain text", context.Background(), defaultParser, "just words, no markup", ReasonNotHTML, ErrNotHTML, 0},
		{"empty body", context.Background(), defaultParser, "<html><head><title> </title></head><body>  </body></html>", ReasonNoBody, ErrNoBody, 35},
		{"hidden body", context.Background(), defaultParser, `<html><body><div style="display:none">x</div></body></html>`, ReasonNoBody, ErrNoBody, 6},
		{"title only", context.Background(), defaultParser, "<html><head><title>Report</title></head><body></body></html>", ReasonNoBody, ErrNoBody, 40},
		{"missing body", context.Background(), defaultParser, "<html><head></head></html>", ReasonNoBody, ErrNoBody, 26},
		{"too large", context.Background(), small, "<p>eleven bytes</p>", ReasonTooLarge, ErrTooLarge, 10},
		{"canceled", canceled, defaultParser, "<p>x</p>", ReasonCanceled, context.Canceled, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.parser.Parse(c.ctx, "bad.htm", []byte(c.src))
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error: got %v, want *Error", err)
			}
			if perr.Reason() != c.reason {
				t.Errorf("reason: got %q, want %q", perr.Reason(), c.reason)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("errors.Is(%v, %v) is false", err, c.is)
			}
			if perr.Offset != c.offset {
				t.Errorf("offset: got %d, want %d", perr.Offset, c.offset)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "html: parse bad.htm at byte ") {
				t.Errorf("message: got %q, want it to name the file and byte", msg)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"limits", Config{MaxBytes: 1 << 20, MaxDepth: 100}, true},
		{"negative bytes", Config{MaxBytes: -1}, false},
		{"negative depth", Config{MaxDepth: -1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg)
			if got := err == nil; got != c.ok {
				t.Errorf("New(%+v): got error %v, want ok=%v", c.cfg, err, c.ok)
			}
		})
	}
}

func TestParseMaxDepth(t *testing.T) {
	p, err := New(Config{MaxDepth: 4})
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Repeat("<div>", 10) + "deep" + strings.Repeat("</div>", 10) + "<p>after</p>"
	doc, err := p.Parse(context.Background(), "deep.htm", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != "deep\nafter\n" {
		t.Errorf("text: got %q, want %q", doc.Text, "deep\nafter\n")
	}
}

func TestParseFixture(t *testing.T) {
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), "acme-10k-2026.htm", data)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, doc, data)
	if _, err := schemas.Marshal(schemas.SchemaDocument, doc); err != nil {
		t.Errorf("document schema: %v", err)
	}

	if doc.MediaType != schemas.MediaIXBRL || doc.Form != "10-K" || doc.Company != "Acme Widget Holdings, Inc." || doc.CIK != "0009999901" {
		t.Errorf("filing: got %s %q %q %q, want inline XBRL 10-K of Acme Widget Holdings, Inc., CIK 0009999901",
			doc.MediaType, doc.Form, doc.Company, doc.CIK)
	}
	if len(doc.Facts) != 8 {
		t.Fatalf("facts: got %d, want 8", len(doc.Facts))
	}
	if len(doc.Warnings) != 0 {
		t.Errorf("warnings: %v", doc.Warnings)
	}
	cases := []struct {
		concept, value, unit, printed, instant, end string
		scale                                       int
	}{
		{"us-gaap:Revenues", "1284600000", "USD", "1,284.6", "", "2026-12-31", 6},
		{"us-gaap:NetIncomeLoss", "-42300000", "USD", "42.3", "", "2026-12-31", 6},
		{"us-gaap:EarningsPerShareDiluted", "-0.57", "USD/shares", "0.57", "", "2026-12-31", 0},
		{"us-gaap:CashAndCashEquivalentsAtCarryingValue", "18300000", "USD", "18.3", "2026-12-31", "", 6},
		{"us-gaap:Assets", "912400000", "USD", "912.4", "2026-12-31", "", 6},
	}
	for _, c := range cases {
		t.Run(c.concept, func(t *testing.T) {
			var f *schemas.Fact
			for i := range doc.Facts {
				if doc.Facts[i].Concept == c.concept {
					f = &doc.Facts[i]
				}
			}
			if f == nil {
				t.Fatalf("fact %s not found", c.concept)
			}
			if f.Value != c.value || f.Unit != c.unit || f.Scale != c.scale {
				t.Errorf("value, unit, scale: got %s %s %d, want %s %s %d", f.Value, f.Unit, f.Scale, c.value, c.unit, c.scale)
			}
			if f.Instant != c.instant || f.PeriodEnd != c.end {
				t.Errorf("period: got instant %q end %q, want instant %q end %q", f.Instant, f.PeriodEnd, c.instant, c.end)
			}
			if got := doc.Text[f.Start:f.End]; got != c.printed {
				t.Errorf("text span: got %q, want %q", got, c.printed)
			}
			if got, want := doc.SourceOffset(f.Start), int64(strings.Index(string(data), ">"+c.printed+"<")+1); got != want {
				t.Errorf("SourceOffset(Start): got %d, want %d", got, want)
			}
		})
	}
	for _, want := range []string{
		"Item 1A.\tRisk Factors\t4\n",
		"\nItem 1A. Risk Factors\n",
		"\nWe have incurred net losses, and our cash may not be sufficient to fund operations for the next twelve months, which raises substantial doubt about our ability to continue as a going concern.\n",
		"\nNet loss\t$ (42.3)\n",
		"higher metal costs & plant downtime",
	} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("text does not contain %q", want)
		}
	}
	for _, unwanted := range []string{"iso4217", "0009999901", "font-weight"} {
		if strings.Contains(doc.Text, unwanted) {
			t.Errorf("text contains hidden content %q", unwanted)
		}
	}
}

func TestParseSECHiddenFact(t *testing.T) {
	src := `<html><body><div style="display:none"><ix:header><ix:hidden>` +
		`<ix:nonNumeric name="dei:AmendmentFlag" contextRef="c" id="h1">false</ix:nonNumeric>` +
		`<ix:nonNumeric name="dei:Other" contextRef="c" id="h2">x</ix:nonNumeric></ix:hidden>` +
		`<ix:resources><xbrli:context id="c"><xbrli:period><xbrli:instant>2026-12-31</xbrli:instant></xbrli:period></xbrli:context></ix:resources>` +
		`</ix:header></div><p>Amendment: <span style="color:red; -sec-ix-hidden : h1;">No</span></p></body></html>`
	doc := mustParse(t, src)
	cases := []struct {
		id, printed string
	}{
		{"h1", "No"},
		{"h2", ""},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			for _, f := range doc.Facts {
				if f.ID != c.id {
					continue
				}
				if got := doc.Text[f.Start:f.End]; got != c.printed {
					t.Errorf("text span: got %q, want %q", got, c.printed)
				}
				return
			}
			t.Fatalf("fact %s not found", c.id)
		})
	}
}
