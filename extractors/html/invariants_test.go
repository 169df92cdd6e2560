package html

import (
	"testing"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// checkInvariants asserts what every parsed document must satisfy. When
// src is not nil, each segment must point inside it, and a segment of
// visible ASCII text must equal its source bytes.
func checkInvariants(t testing.TB, doc *schemas.Document, src []byte) {
	t.Helper()
	if !utf8.ValidString(doc.Text) {
		t.Errorf("text is not valid UTF-8")
	}
	prevEnd := 0
	var prevSource int64 = -1
	for i, s := range doc.Segments {
		if s.Len <= 0 {
			t.Fatalf("segment %d: length %d", i, s.Len)
		}
		if s.TextStart < prevEnd {
			t.Fatalf("segment %d starts at %d, before the end %d of the previous one", i, s.TextStart, prevEnd)
		}
		if s.TextStart+s.Len > len(doc.Text) {
			t.Fatalf("segment %d ends at %d, after the text end %d", i, s.TextStart+s.Len, len(doc.Text))
		}
		if s.SourceStart <= prevSource {
			t.Fatalf("segment %d source %d is not after the previous source %d", i, s.SourceStart, prevSource)
		}
		prevEnd, prevSource = s.TextStart+s.Len, s.SourceStart
		if src == nil {
			continue
		}
		if s.SourceStart < 0 || s.SourceStart >= int64(len(src)) {
			t.Fatalf("segment %d source %d outside the file of %d bytes", i, s.SourceStart, len(src))
		}
		text := doc.Text[s.TextStart : s.TextStart+s.Len]
		if src[s.SourceStart] == '&' || text == " " {
			// Decoded references and non-breaking spaces differ from
			// their source bytes.
			continue
		}
		if !isPlainASCII(text) {
			// A transcoded character has more text bytes than source bytes.
			continue
		}
		end := s.SourceStart + int64(s.Len)
		if end > int64(len(src)) {
			t.Fatalf("segment %d: source end %d outside the file of %d bytes", i, end, len(src))
		}
		if spaced(src[s.SourceStart:end]) != text {
			t.Fatalf("segment %d: text %q, source %q", i, text, src[s.SourceStart:end])
		}
	}
	for i, f := range doc.Facts {
		if f.Start < 0 || f.End < f.Start || f.End > len(doc.Text) {
			t.Fatalf("fact %d %s: span [%d,%d) outside text of %d bytes", i, f.Concept, f.Start, f.End, len(doc.Text))
		}
		if src != nil && (f.SourceOffset < 0 || f.SourceOffset >= int64(len(src)) || src[f.SourceOffset] != '<') {
			t.Fatalf("fact %d %s: source offset %d is not at a tag", i, f.Concept, f.SourceOffset)
		}
		if f.End > f.Start {
			// The printed value starts with a character from the source,
			// after the fact's start tag.
			if got := doc.SourceOffset(f.Start); got < f.SourceOffset {
				t.Fatalf("fact %d %s: SourceOffset(Start) = %d, before its tag at %d", i, f.Concept, got, f.SourceOffset)
			}
		}
	}
}

// spaced replaces the whitespace bytes that collapse to a space.
func spaced(b []byte) string {
	out := []byte(string(b))
	for i, c := range out {
		if c == '\n' || c == '\t' || c == '\r' || c == '\f' {
			out[i] = ' '
		}
	}
	return string(out)
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
