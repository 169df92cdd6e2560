package text

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkSegments verifies the source map: segments sorted and disjoint in
// Text, text equal to the source bytes unless the segment is decoded (an
// entity or a windows-1252 byte), and every byte outside segments a
// newline or space the parser inserted.
func checkSegments(t *testing.T, doc *schemas.Document, src []byte) {
	t.Helper()
	covered := make([]bool, len(doc.Text))
	prevEnd := 0
	for i, s := range doc.Segments {
		if s.Len <= 0 || s.TextStart < prevEnd || s.TextStart+s.Len > len(doc.Text) || s.SourceStart < 0 || s.SourceStart >= int64(len(src)) {
			t.Fatalf("segment %d %+v is out of order or out of range (text %d bytes, source %d)", i, s, len(doc.Text), len(src))
		}
		prevEnd = s.TextStart + s.Len
		for k := s.TextStart; k < prevEnd; k++ {
			covered[k] = true
		}
		text := doc.Text[s.TextStart:prevEnd]
		end := min(int(s.SourceStart)+s.Len, len(src))
		if text == string(src[s.SourceStart:end]) {
			continue
		}
		if c := src[s.SourceStart]; c != '&' && c < 0x80 && !isSpace(c) {
			t.Errorf("segment %d: text %q maps to source %q", i, text, src[s.SourceStart:end])
		}
	}
	for i, ok := range covered {
		if !ok && doc.Text[i] != '\n' && doc.Text[i] != ' ' {
			t.Errorf("text byte %d %q has no source", i, doc.Text[i])
		}
	}
}

func TestParseSubmission(t *testing.T) {
	src := readTestdata(t, "submission.txt")
	doc, err := Parse(context.Background(), "submission.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	fields := []struct{ name, got, want string }{
		{"Form", doc.Form, "8-K"},
		{"Company", doc.Company, "EXAMPLE WIDGETS INC"},
		{"CIK", doc.CIK, "0000999999"},
		{"Accession", doc.Accession, "0000999999-26-000123"},
		{"FilingDate", doc.FilingDate, "2026-01-15"},
		{"MediaType", doc.MediaType, schemas.MediaText},
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("%s: got %q, want %q", f.name, f.got, f.want)
		}
	}

	golden := filepath.Join("testdata", "submission.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(doc.Text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if doc.Text != string(want) {
		t.Errorf("text differs from %s:\ngot:\n%s\nwant:\n%s", golden, doc.Text, want)
	}

	for _, absent := range []string{"<PAGE>", "<TYPE>", "<TEXT>", "<TABLE>", "<S>", "color: red", "begin 644", "internal note", "<p>"} {
		if strings.Contains(doc.Text, absent) {
			t.Errorf("text contains %q", absent)
		}
	}
	for _, present := range []string{
		"Item 2.02  Results of Operations and Financial Condition.\n\nExample Widgets issued",
		"Revenue rose to $12.5 million; net income was $1.1 million.",
		"Diluted EPS $0.42",
		"AT&T is a customer.",
	} {
		if !strings.Contains(doc.Text, present) {
			t.Errorf("text lacks %q", present)
		}
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "logo.jpg") {
		t.Errorf("got warnings %q, want one naming logo.jpg", doc.Warnings)
	}
	checkSegments(t, doc, src)
}

func TestParseSourceOffsets(t *testing.T) {
	src := readTestdata(t, "submission.txt")
	doc, err := Parse(context.Background(), "submission.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		quote  string
		source string // expected source bytes at the mapped offset
	}{
		{"Example Widgets issued a press release", "Example Widgets issued a press release"},
		{"Revenue rose to $12.5", "Revenue rose to $12.5"},
		{"AT&T", "AT&amp;T"},
	}
	for _, tt := range tests {
		t.Run(tt.quote, func(t *testing.T) {
			at := strings.Index(doc.Text, tt.quote)
			if at < 0 {
				t.Fatalf("text lacks %q", tt.quote)
			}
			off := doc.SourceOffset(at)
			if off < 0 {
				t.Fatalf("got no source offset for text offset %d", at)
			}
			if !bytes.HasPrefix(src[off:], []byte(tt.source)) {
				t.Errorf("got source %q at %d, want prefix %q", src[off:min(int(off)+len(tt.source), len(src))], off, tt.source)
			}
		})
	}
}

func TestParsePlainText(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     string
		segments int
	}{
		{"utf8", "Revenue was $1.2 billion.\nOutlook: 5% growth.\n", "Revenue was $1.2 billion.\nOutlook: 5% growth.\n", 1},
		{"crlf", "line one\r\nline two\r\n", "line one\nline two\n", 3},
		{"windows-1252", "caf\xe9 \x93quoted\x94", "café “quoted”", 6},
		{"lone cr kept", "a\rb", "a\rb", 1},
		{"byte order mark dropped", "\xEF\xBB\xBFRevenue", "Revenue", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), "plain.txt", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != tt.want {
				t.Errorf("got text %q, want %q", doc.Text, tt.want)
			}
			if len(doc.Segments) != tt.segments {
				t.Errorf("got %d segments, want %d: %+v", len(doc.Segments), tt.segments, doc.Segments)
			}
			checkSegments(t, doc, []byte(tt.src))
		})
	}
}

func TestParseWindows1252Offsets(t *testing.T) {
	src := []byte("caf\xe9 \x93quoted\x94 end")
	doc, err := Parse(context.Background(), "cp.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) != 1 {
		t.Errorf("got warnings %q, want one about windows-1252", doc.Warnings)
	}
	at := strings.Index(doc.Text, "quoted")
	if got, want := doc.SourceOffset(at), int64(bytes.Index(src, []byte("quoted"))); got != want {
		t.Errorf("got source offset %d, want %d", got, want)
	}
	at = strings.Index(doc.Text, "end")
	if got, want := doc.SourceOffset(at), int64(bytes.Index(src, []byte("end"))); got != want {
		t.Errorf("got source offset %d, want %d", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    []byte
		reason string
	}{
		{"empty", nil, ReasonEmptyFile},
		{"whitespace only", []byte(" \n\t\r\n"), ReasonEmptyFile},
		{"nul byte", []byte("text\x00more text"), ReasonBinaryContent},
		{"control bytes", bytes.Repeat([]byte("ab\x01\x02\x03"), 50), ReasonBinaryContent},
		{"png header", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ReasonBinaryContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), "bad.txt", tt.src)
			if err == nil {
				t.Fatalf("got document with %d bytes of text, want error %s", len(doc.Text), tt.reason)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Reason() != tt.reason {
				t.Errorf("got reason %q, want %q", e.Reason(), tt.reason)
			}
			if !strings.Contains(err.Error(), "bad.txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, "x.txt", []byte("some text"))
	var e *Error
	if !errors.As(err, &e) || e.Reason() != ReasonCanceled {
		t.Fatalf("got %v, want reason %s", err, ReasonCanceled)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readTestdata(f, "submission.txt"))
	f.Add([]byte("plain text\r\nwith lines"))
	f.Add([]byte("<DOCUMENT>\n<TEXT>\n<p>a &amp; b</TEXT>"))
	f.Add([]byte("<DOCUMENT>\n<FILENAME>x.htm\n<TEXT>\n<script>x</script><td>1</td>&#8217;&bogus;\n</TEXT>\n"))
	f.Add([]byte("caf\xe9"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Parse(context.Background(), "fuzz.txt", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T, want *Error", err)
			}
			return
		}
		checkSegments(t, doc, src)
	})
}

func BenchmarkParseSubmission(b *testing.B) {
	src := readTestdata(b, "submission.txt")
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse(context.Background(), "submission.txt", src); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseHTMLDocument(t *testing.T) {
	wrap := func(body string) []byte {
		return []byte("<DOCUMENT>\n<TYPE>EX-99.1\n<FILENAME>ex.htm\n<TEXT>\n" + body + "\n</TEXT>\n</DOCUMENT>\n")
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"script in upper case", "<P>before</P><SCRIPT>var x = 1;</SCRIPT><P>after</P>", "before\nafter\n"},
		{"comment", "a<!-- hidden -->b", "ab\n"},
		{"numeric entity", "it&#8217;s &#x24;5", "it’s $5\n"},
		{"unknown entity kept", "AT&T &bogus; fee", "AT&T &bogus; fee\n"},
		{"line break tag", "one<br/>two", "one\ntwo\n"},
		{"table cells", "<table><tr><td>Revenue</td><td>$12.5</td></tr><tr><td>EPS</td><td>$0.42</td></tr></table>", "Revenue $12.5\nEPS $0.42\n"},
		{"less-than sign kept", "margin < 5% and x<y", "margin < 5% and x<y\n"},
		{"unterminated tag kept", "price <b", "price <b\n"},
		{"whitespace folded", "net   income\n\n  rose", "net income\nrose\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := wrap(tt.body)
			doc, err := Parse(context.Background(), "ex.txt", src)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != tt.want {
				t.Errorf("got %q, want %q", doc.Text, tt.want)
			}
			checkSegments(t, doc, src)
		})
	}
}

func TestParseSubmissionDocuments(t *testing.T) {
	src := readTestdata(t, "submission.txt")
	doc, err := Parse(context.Background(), "submission.txt", src)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, title, starts string }{
		{"document_8_k", "8-K ew8k.txt FORM 8-K", ""},
		{"document_ex_99_1", "EX-99.1 ew991.htm PRESS RELEASE", ""},
	}
	if len(doc.Sections) != len(want) {
		t.Fatalf("got sections %+v, want %d", doc.Sections, len(want))
	}
	end := 0
	for i, w := range want {
		s := doc.Sections[i]
		if s.ID != w.id || s.Title != w.title {
			t.Errorf("section %d: got %s %q, want %s %q", i, s.ID, s.Title, w.id, w.title)
		}
		if s.Start < end || s.End < s.Start || s.End > len(doc.Text) {
			t.Errorf("section %s: span %d-%d after %d in %d bytes", s.ID, s.Start, s.End, end, len(doc.Text))
		}
		if strings.TrimSpace(doc.Text[s.Start:s.End]) == "" {
			t.Errorf("section %s is blank", s.ID)
		}
		if s.Start > 0 && doc.Text[s.Start-1] != '\n' {
			t.Errorf("section %s starts inside a line: %q", s.ID, doc.Text[max(0, s.Start-10):min(len(doc.Text), s.Start+10)])
		}
		end = s.End
	}
	if !strings.Contains(doc.Text[doc.Sections[1].Start:doc.Sections[1].End], "Revenue rose to $12.5 million") {
		t.Errorf("the press release is not in section %s", doc.Sections[1].ID)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"EX-99.1": "ex_99_1", "8-K": "8_k", "10-K/A": "10_k_a", "": "untyped", " EX-101.INS ": "ex_101_ins"} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestParseBadFixture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "bad", "binary.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(context.Background(), "binary.txt", data)
	var e *Error
	if !errors.As(err, &e) || e.Code != ReasonBinaryContent {
		t.Errorf("got %v, want reason %s", err, ReasonBinaryContent)
	}
}
