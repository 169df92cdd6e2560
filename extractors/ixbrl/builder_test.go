package ixbrl

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/finx-dev/finx/schemas"
)

// feed drives a Builder the way an HTML parser does, with a simple text
// model: all character data outside ix:header is appended to the text.
func feed(t testing.TB, doc string) ([]schemas.Fact, []string, string) {
	t.Helper()
	b := NewBuilder()
	z := html.NewTokenizer(strings.NewReader(doc))
	var text strings.Builder
	var pos int64
	header := 0
	for {
		tt := z.Next()
		raw := z.Raw()
		start := pos
		pos += int64(len(raw))
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			facts, warnings := b.Facts(text.String())
			return facts, warnings, text.String()
		case html.TextToken:
			s := string(z.Text())
			b.Text(s)
			if header == 0 {
				text.WriteString(s)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			var attrs []html.Attribute
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if len(k) > 0 {
					attrs = append(attrs, html.Attribute{Key: string(k), Val: string(v)})
				}
			}
			b.Start(tag, attrs, start, text.Len())
			if b.IsHeader(tag) {
				header++
			}
			if tt == html.SelfClosingTagToken {
				b.End(tag, text.Len())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if b.IsHeader(string(name)) {
				header--
			}
			b.End(string(name), text.Len())
		}
	}
}

const testHeader = `<ix:header><ix:hidden><ix:nonNumeric name="dei:EntityCentralIndexKey" contextRef="d" id="cik">0000000042</ix:nonNumeric></ix:hidden>
<ix:resources>
<xbrli:context id="d"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">0000000042</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2026-01-01</xbrli:startDate><xbrli:endDate>2026-12-31</xbrli:endDate></xbrli:period></xbrli:context>
<xbrli:context id="i"><xbrli:entity><xbrli:identifier scheme="x">42</xbrli:identifier>
<xbrli:segment><xbrldi:explicitMember dimension="us-gaap:StatementBusinessSegmentsAxis">acme:WidgetsMember</xbrldi:explicitMember>
<xbrldi:typedMember dimension="acme:RegionAxis"><acme:region>North</acme:region></xbrldi:typedMember></xbrli:segment></xbrli:entity>
<xbrli:period><xbrli:instant>2026-12-31</xbrli:instant></xbrli:period></xbrli:context>
<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>
<xbrli:unit id="eps"><xbrli:divide><xbrli:unitNumerator><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unitNumerator>
<xbrli:unitDenominator><xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unitDenominator></xbrli:divide></xbrli:unit>
</ix:resources></ix:header>`

func factByID(t testing.TB, facts []schemas.Fact, id string) schemas.Fact {
	t.Helper()
	for _, f := range facts {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("fact %s not found among %d facts", id, len(facts))
	return schemas.Fact{}
}

func TestBuilderNumericFacts(t *testing.T) {
	doc := `<html><body>` + testHeader + `
<p>Sales $ <ix:nonFraction name="us-gaap:Revenues" contextRef="d" unitRef="usd" decimals="-5" scale="6" format="ixt:num-dot-decimal" id="rev"> 1,284.6 </ix:nonFraction></p>
<p>Loss (<ix:nonFraction name="us-gaap:NetIncomeLoss" contextRef="d" unitRef="usd" scale="6" sign="-" format="ixt:num-dot-decimal" id="loss"><span>42.3</span></ix:nonFraction>)</p>
<p>EPS <ix:nonFraction name="us-gaap:EarningsPerShareDiluted" contextRef="d" unitRef="eps" decimals="2" id="eps">0.57</ix:nonFraction></p>
<p>Cash <ix:nonFraction name="us-gaap:Cash" contextRef="i" unitRef="usd" scale="6" format="ixt:fixed-zero" id="cash">—</ix:nonFraction></p>
<p><ix:nonFraction name="us-gaap:Commitments" contextRef="i" unitRef="usd" xsi:nil="true" id="nil"/><span>after nil</span></p>
</body></html>`
	facts, warnings, text := feed(t, doc)
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	if len(facts) != 6 {
		t.Fatalf("got %d facts, want 6", len(facts))
	}
	cases := []struct {
		id, value, display, unit, printed string
		negative, nil                     bool
	}{
		{"rev", "1284600000", "1,284.6", "USD", "1,284.6", false, false},
		{"loss", "-42300000", "42.3", "USD", "42.3", true, false},
		{"eps", "0.57", "0.57", "USD/shares", "0.57", false, false},
		{"cash", "0", "—", "USD", "—", false, false},
		{"nil", "", "", "USD", "", false, true},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			f := factByID(t, facts, c.id)
			if f.Value != c.value {
				t.Errorf("value: got %q, want %q", f.Value, c.value)
			}
			if f.Display != c.display {
				t.Errorf("display: got %q, want %q", f.Display, c.display)
			}
			if f.Unit != c.unit {
				t.Errorf("unit: got %q, want %q", f.Unit, c.unit)
			}
			if got := text[f.Start:f.End]; got != c.printed {
				t.Errorf("text span: got %q, want %q", got, c.printed)
			}
			if f.Negative != c.negative || f.Nil != c.nil {
				t.Errorf("negative, nil: got %v, %v, want %v, %v", f.Negative, f.Nil, c.negative, c.nil)
			}
			if !f.Numeric {
				t.Error("numeric: got false, want true")
			}
			if !strings.HasPrefix(doc[f.SourceOffset:], "<ix:nonFraction") {
				t.Errorf("source offset %d: got %.20q, want the start tag", f.SourceOffset, doc[f.SourceOffset:])
			}
		})
	}
	if !strings.Contains(text, "after nil") {
		t.Errorf("text after a self-closed nil fact is missing: %q", text)
	}
}

func TestBuilderContexts(t *testing.T) {
	doc := `<html><body>` + testHeader + `<p><ix:nonFraction name="acme:Units" contextRef="i" unitRef="usd" id="u">7</ix:nonFraction></p></body></html>`
	facts, _, _ := feed(t, doc)

	cik := factByID(t, facts, "cik")
	if cik.PeriodStart != "2026-01-01" || cik.PeriodEnd != "2026-12-31" || cik.Instant != "" {
		t.Errorf("duration: got %q-%q instant %q, want 2026-01-01-2026-12-31", cik.PeriodStart, cik.PeriodEnd, cik.Instant)
	}
	if cik.Display != "0000000042" || cik.Numeric {
		t.Errorf("hidden text fact: got %q numeric=%v, want 0000000042 numeric=false", cik.Display, cik.Numeric)
	}
	if cik.Start != cik.End {
		t.Errorf("hidden fact span: got [%d,%d), want empty", cik.Start, cik.End)
	}

	u := factByID(t, facts, "u")
	if u.Instant != "2026-12-31" {
		t.Errorf("instant: got %q, want 2026-12-31", u.Instant)
	}
	want := []schemas.Dimension{
		{Axis: "us-gaap:StatementBusinessSegmentsAxis", Member: "acme:WidgetsMember"},
		{Axis: "acme:RegionAxis", Member: "North"},
	}
	if len(u.Dimensions) != len(want) {
		t.Fatalf("dimensions: got %v, want %v", u.Dimensions, want)
	}
	for i := range want {
		if u.Dimensions[i] != want[i] {
			t.Errorf("dimension %d: got %v, want %v", i, u.Dimensions[i], want[i])
		}
	}
}

func TestBuilderNonNumeric(t *testing.T) {
	doc := `<html><body>` + testHeader + `
<div><ix:nonNumeric name="acme:PolicyTextBlock" contextRef="d" id="tb" continuedAt="c1">Revenue is <ix:nonFraction name="acme:Count" contextRef="d" unitRef="usd" id="n">3</ix:nonFraction> steps<ix:exclude> page 7</ix:exclude>.</ix:nonNumeric></div>
<p>unrelated</p>
<ix:continuation id="c1" continuedAt="c2"><p>Second part.</p></ix:continuation>
<ix:continuation id="c2" continuedAt="c1"><p>Third part.</p></ix:continuation>
</body></html>`
	facts, warnings, text := feed(t, doc)
	if len(warnings) > 0 {
		t.Errorf("warnings: %v", warnings)
	}
	tb := factByID(t, facts, "tb")
	if want := "Revenue is 3 steps. Second part. Third part."; tb.Display != want {
		t.Errorf("text block: got %q, want %q", tb.Display, want)
	}
	if tb.Value != "" {
		t.Errorf("text fact value: got %q, want empty", tb.Value)
	}
	if !strings.HasPrefix(text[tb.Start:tb.End], "Revenue is 3 steps page 7") {
		t.Errorf("text block span: got %q, want it to start with the printed text", text[tb.Start:tb.End])
	}
	n := factByID(t, facts, "n")
	if n.Value != "3" || text[n.Start:n.End] != "3" {
		t.Errorf("nested fact: got value %q span %q, want 3", n.Value, text[n.Start:n.End])
	}
}

func TestBuilderWarnings(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"missing context", `<ix:nonFraction name="a:B" contextRef="nope" unitRef="usd" id="x">1</ix:nonFraction>`, `context "nope" not found`},
		{"missing unit", `<ix:nonFraction name="a:B" contextRef="d" unitRef="eur" id="x">1</ix:nonFraction>`, `unit "eur" not found`},
		{"bad number", `<ix:nonFraction name="a:B" contextRef="d" unitRef="usd" format="ixt:num-dot-decimal" id="x">n/a</ix:nonFraction>`, "invalid number"},
		{"bad scale", `<ix:nonFraction name="a:B" contextRef="d" unitRef="usd" scale="six" id="x">1</ix:nonFraction>`, `invalid scale "six"`},
		{"unknown format", `<ix:nonFraction name="a:B" contextRef="d" unitRef="usd" format="ixt:num-roman" id="x">IV</ix:nonFraction>`, "unsupported format"},
		{"long number text", `<ix:nonFraction name="a:B" contextRef="d" unitRef="usd" id="x">` + strings.Repeat("9", 1000) + `</ix:nonFraction>`, "invalid number"},
		{"missing continuation", `<ix:nonNumeric name="a:B" contextRef="d" continuedAt="gone" id="x">t</ix:nonNumeric>`, `continuation "gone" not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			facts, warnings, _ := feed(t, `<html><body>`+testHeader+`<p>`+c.body+`</p></body></html>`)
			if len(warnings) != 1 || !strings.Contains(warnings[0], c.want) {
				t.Errorf("warnings: got %q, want one containing %q", warnings, c.want)
			}
			if f := factByID(t, facts, "x"); len(f.Display) > maxNumberBytes && f.Numeric {
				t.Errorf("display: got %d bytes, want at most %d", len(f.Display), maxNumberBytes)
			}
		})
	}
}

func TestBuilderUnclosedFact(t *testing.T) {
	facts, _, text := feed(t, `<html><body>`+testHeader+`<p><ix:nonFraction name="a:B" contextRef="d" unitRef="usd" id="x">12 and more`)
	f := factByID(t, facts, "x")
	if f.End != len(strings.TrimRight(text, " \n")) || f.Value != "" {
		t.Errorf("unclosed fact: got span [%d,%d) value %q, want to the text end and no value", f.Start, f.End, f.Value)
	}
}

func TestBuilderPrefixes(t *testing.T) {
	// A document may bind the inline XBRL namespace to another prefix.
	doc := `<html xmlns:inl="http://www.xbrl.org/2013/inlineXBRL" xmlns:ix="urn:other"><body>` +
		strings.ReplaceAll(testHeader, "ix:", "inl:") +
		`<p><inl:nonFraction name="a:B" contextRef="d" unitRef="usd" id="x">5</inl:nonFraction><ix:nonFraction name="a:C">9</ix:nonFraction></p></body></html>`
	facts, _, _ := feed(t, doc)
	if len(facts) != 2 {
		t.Fatalf("got %d facts, want 2 (the hidden one and x)", len(facts))
	}
	if f := factByID(t, facts, "x"); f.Value != "5" {
		t.Errorf("value: got %q, want 5", f.Value)
	}
}

func BenchmarkBuilder(b *testing.B) {
	var doc bytes.Buffer
	doc.WriteString("<html><body>" + testHeader)
	for range 2000 {
		doc.WriteString(`<p>x <ix:nonFraction name="a:B" contextRef="d" unitRef="usd" scale="6" format="ixt:num-dot-decimal" id="x">1,234</ix:nonFraction></p>`)
	}
	doc.WriteString("</body></html>")
	b.ReportAllocs()
	for b.Loop() {
		feed(b, doc.String())
	}
}

func TestBuilderInvalidContextDates(t *testing.T) {
	header := `<ix:header><ix:resources>
<xbrli:context id="bad"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">1</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2025-13-45</xbrli:startDate><xbrli:endDate>not-a-date</xbrli:endDate></xbrli:period></xbrli:context>
<xbrli:context id="backwards"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">1</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:startDate>2026-12-31</xbrli:startDate><xbrli:endDate>2026-01-01</xbrli:endDate></xbrli:period></xbrli:context>
<xbrli:context id="datetime"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">1</xbrli:identifier></xbrli:entity>
<xbrli:period><xbrli:instant>2026-12-31T00:00:00</xbrli:instant></xbrli:period></xbrli:context>
<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>
</ix:resources></ix:header>`
	doc := `<html><body>` + header +
		`<p><ix:nonFraction name="us-gaap:Revenues" contextRef="bad" unitRef="usd" id="a" decimals="0">1</ix:nonFraction>` +
		`<ix:nonFraction name="us-gaap:Revenues" contextRef="backwards" unitRef="usd" id="b" decimals="0">2</ix:nonFraction>` +
		`<ix:nonFraction name="us-gaap:Assets" contextRef="datetime" unitRef="usd" id="c" decimals="0">3</ix:nonFraction></p></body></html>`
	facts, warnings, _ := feed(t, doc)

	for _, id := range []string{"a", "b"} {
		f := factByID(t, facts, id)
		if f.PeriodStart != "" || f.PeriodEnd != "" || f.Instant != "" {
			t.Errorf("fact %s: period %q-%q instant %q, want all empty", id, f.PeriodStart, f.PeriodEnd, f.Instant)
		}
	}
	if got := factByID(t, facts, "c").Instant; got != "2026-12-31" {
		t.Errorf("dateTime instant: got %q, want 2026-12-31", got)
	}
	joined := strings.Join(warnings, "\n")
	for _, want := range []string{`context "bad" has an invalid date`, `context "backwards" ends (2026-01-01) before it starts (2026-12-31)`} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings lack %q:\n%s", want, joined)
		}
	}
}

func TestBuilderDuplicateContext(t *testing.T) {
	ctx := func(end string) string {
		return `<xbrli:context id="d"><xbrli:entity><xbrli:identifier scheme="http://www.sec.gov/CIK">1</xbrli:identifier></xbrli:entity>` +
			`<xbrli:period><xbrli:instant>` + end + `</xbrli:instant></xbrli:period></xbrli:context>`
	}
	doc := `<html><body><ix:header><ix:resources>` + ctx("2026-06-30") + ctx("2026-12-31") +
		`<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit></ix:resources></ix:header>` +
		`<p><ix:nonFraction name="us-gaap:Assets" contextRef="d" unitRef="usd" id="a" decimals="0">5</ix:nonFraction></p></body></html>`
	facts, warnings, _ := feed(t, doc)
	if f := factByID(t, facts, "a"); f.Instant != "" {
		t.Errorf("instant = %q, want empty for a context defined twice", f.Instant)
	}
	if !strings.Contains(strings.Join(warnings, "\n"), `context "d" at byte`) {
		t.Errorf("warnings lack the duplicate context: %v", warnings)
	}
}
