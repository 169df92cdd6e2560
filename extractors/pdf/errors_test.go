package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
)

// smallPDF returns a valid one-page PDF.
func smallPDF() []byte {
	return pdftest.Doc{
		Fonts: []pdftest.Font{courier},
		Pages: []string{pdftest.Line("F1", 10, 72, 700, "Quarterly revenue was $5.1 million.")},
	}.Bytes()
}

// replaceTrailer swaps the trailer dictionary of a pdftest file.
func replaceTrailer(data []byte, trailer string) []byte {
	i := bytes.LastIndex(data, []byte("trailer\n"))
	j := bytes.LastIndex(data, []byte("startxref"))
	out := append([]byte{}, data[:i]...)
	out = append(out, "trailer\n"+trailer+"\n"...)
	return append(out, data[j:]...)
}

func TestParseBadInput(t *testing.T) {
	good := smallPDF()
	xref := bytes.LastIndex(good, []byte("xref\n0 "))
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"zero bytes", nil, ReasonEmptyFile},
		{"text file named pdf", []byte("Revenue for the quarter was $5.1 million.\n"), ReasonNotPDF},
		{"html file", []byte("<!DOCTYPE html><html><body>10-K</body></html>"), ReasonNotPDF},
		{"header only", []byte("%PDF-1.7\n"), ReasonTruncatedPDF},
		{"short header", []byte("%PDF-"), ReasonTruncatedPDF},
		{"truncated at half", good[:len(good)/2], ReasonTruncatedPDF},
		{"truncated before eof marker", good[:len(good)-7], ReasonTruncatedPDF},
		{"no startxref", bytes.Replace(good, []byte("startxref"), []byte("startxraf"), 1), ReasonTruncatedPDF},
		{"startxref past the end", bytes.Replace(good, []byte(fmt.Sprintf("startxref\n%d", xref)), []byte("startxref\n99999999"), 1), ReasonTruncatedPDF},
		{"xref table garbled", append(append(append([]byte{}, good[:xref]...), "xref\n0 x garbage\n"...), good[bytes.LastIndex(good, []byte("trailer")):]...), ReasonTruncatedPDF},
		{"unterminated string in trailer", replaceTrailer(good, "<< /Size 7 /Root 1 0 R /ID [(abc"), ReasonTruncatedPDF},
		{"huge xref size", replaceTrailer(good, "<< /Size 999999999999 /Root 1 0 R >>"), ReasonCorruptPDF},
		{"huge xref subsection", bytes.Replace(good, []byte("xref\n0 "), []byte("xref\n4000000000 "), 1), ReasonCorruptPDF},
		{"no page tree", replaceTrailer(good, "<< /Size 7 /Root 3 0 R >>"), ReasonCorruptPDF},
		{"trailer /Prev pointing at its own table", replaceTrailer(good, fmt.Sprintf("<< /Size 7 /Root 1 0 R /Prev %d >>", xref)), ReasonCorruptPDF},
		{"encrypted with unsupported filter", replaceTrailer(good, "<< /Size 7 /Root 1 0 R /Encrypt << /Filter /Acme /V 1 >> >>"), ReasonEncryptedPDF},
		{"encrypted with a password", encryptedPDF(good), ReasonEncryptedPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), "filing-42.pdf", tt.data, Config{Timeout: 10 * time.Second})
			if err == nil {
				t.Fatalf("got a document with %d pages, want reason %s", len(doc.Pages), tt.reason)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Reason() != tt.reason {
				t.Errorf("got reason %q (%v), want %q", e.Reason(), err, tt.reason)
			}
			if !strings.Contains(err.Error(), "filing-42.pdf") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// encryptedPDF adds a standard security handler (RC4, revision 3) whose
// user password is not empty, so the library cannot open the file. The O
// and U strings are 32 arbitrary bytes; any U that does not match the empty
// password has the same effect.
func encryptedPDF(good []byte) []byte {
	pad := strings.Repeat("7", 64)
	return replaceTrailer(good, fmt.Sprintf(
		"<< /Size 7 /Root 1 0 R /ID [<%s> <%s>] /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <%s> /U <%s> >> >>",
		pad[:32], pad[:32], pad, pad))
}

func TestParseHeaderVariants(t *testing.T) {
	good := smallPDF()
	tests := []struct {
		name string
		data []byte
	}{
		{"pdf 2.0 header", append([]byte("%PDF-2.0"), good[8:]...)},
		{"junk after eof", append(append([]byte{}, good...), "\n\x00\x00 trailing bytes from an upload\n"...)},
		{"header with trailing space", append([]byte("%PDF-1.4 "), good[9:]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseBytes(t, tt.data)
			if !strings.Contains(doc.Text, "Quarterly revenue was $5.1 million.") {
				t.Errorf("got text %q", doc.Text)
			}
		})
	}
}

func TestParseTimeout(t *testing.T) {
	var pages []string
	for range 1000 {
		var b strings.Builder
		for i := range 40 {
			b.WriteString(pdftest.Line("F1", 10, 72, 740-float64(i)*16, "Net revenue increased due to higher volume in every segment."))
		}
		pages = append(pages, b.String())
	}
	data := pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: pages, Compress: true}.Bytes()
	before := runtime.NumGoroutine()
	start := time.Now()
	_, err := Parse(context.Background(), "slow.pdf", data, Config{Timeout: 20 * time.Millisecond})
	elapsed := time.Since(start)
	var e *Error
	if !errors.As(err, &e) || e.Reason() != ReasonParseTimeout {
		t.Fatalf("got %v, want reason %s", err, ReasonParseTimeout)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Parse returned after %v, want soon after the 20ms timeout", elapsed)
	}

	// The parsing goroutine stops at its next operator check.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("got %d goroutines after the timeout, want at most %d", n, before)
	}
}

func TestParseContextDone(t *testing.T) {
	tests := []struct {
		name   string
		ctx    func() context.Context
		reason string
	}{
		{"canceled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, ReasonCanceled},
		{"deadline passed", func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			t.Cleanup(cancel)
			return ctx
		}, ReasonParseTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.ctx(), "a.pdf", smallPDF(), Config{})
			var e *Error
			if !errors.As(err, &e) || e.Reason() != tt.reason {
				t.Errorf("got %v, want reason %s", err, tt.reason)
			}
		})
	}
}

func TestPanicError(t *testing.T) {
	var runtimeErr runtime.Error
	func() {
		defer func() { runtimeErr = recover().(runtime.Error) }()
		var m map[string]int
		m["x"] = 1
	}()
	tests := []struct {
		name   string
		value  any
		reason string
	}{
		{"runtime error", runtimeErr, ReasonParsePanic},
		{"library error", errors.New("malformed PDF: reading at offset 10"), ReasonCorruptPDF},
		{"library string", "not a stream", ReasonCorruptPDF},
		{"stop request", errStopped, ReasonParseTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &parser{name: "p.pdf"}
			p.page.Store(3)
			e := p.panicError(tt.value)
			if e.Reason() != tt.reason {
				t.Errorf("got reason %q, want %q", e.Reason(), tt.reason)
			}
			if !strings.Contains(e.Error(), "p.pdf page 3") {
				t.Errorf("error %q does not name the file and page", e)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	good := smallPDF()
	f.Add(good)
	// A page with a statement table, so that the table spans are checked.
	f.Add(reportPDF(1))
	f.Add(pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{pdftest.Line("F1", 10, 72, 700, "x")}, Compress: true}.Bytes())
	f.Add(pdftest.Doc{
		Fonts: []pdftest.Font{{Name: "F1", BaseFont: "T", ToUnicode: map[uint16]string{1: "a", 2: "\uFB01"}}},
		Pages: []string{"BT /F1 10 Tf 72 700 Td " + pdftest.Hex(1, 2) + " Tj ET"},
	}.Bytes())
	f.Add(good[:len(good)/2])
	f.Add([]byte("%PDF-1.4\n"))
	f.Add([]byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n"))
	f.Add([]byte("not a pdf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(context.Background(), "fuzz.pdf", data, Config{Timeout: 5 * time.Second, MaxPages: 50})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason() == "" {
				t.Fatalf("got %T %v, want *Error with a reason", err, err)
			}
			if e.Reason() == ReasonParsePanic {
				t.Fatalf("library panic: %v", err)
			}
			return
		}
		if !utf8.ValidString(doc.Text) {
			t.Fatalf("text is not valid UTF-8: %q", doc.Text)
		}
		end := 0
		for i, p := range doc.Pages {
			if p.Number != i+1 || p.Start < end || p.End < p.Start || p.End > len(doc.Text) {
				t.Fatalf("page %d has span %+v in %d bytes of text", i+1, p, len(doc.Text))
			}
			end = p.End
		}
		checkTables(t, doc)
	})
}
