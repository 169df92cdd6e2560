package text

import (
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
	"golang.org/x/text/encoding/charmap"
)

// builder writes Document.Text and its source map.
type builder struct {
	src []byte
	// cp1252 is set when src is not valid UTF-8 and is read as
	// windows-1252.
	cp1252 bool
	text   []byte
	segs   []schemas.Segment
}

// copy appends src[start:end], dropping a CR before LF and decoding
// windows-1252 bytes when needed.
func (b *builder) copy(start, end int) {
	for i := start; i < end; i++ {
		c := b.src[i]
		if c == '\r' && i+1 < len(b.src) && b.src[i+1] == '\n' {
			continue
		}
		if b.cp1252 && c >= utf8.RuneSelf {
			r := charmap.Windows1252.DecodeByte(c)
			b.mapped(string(r), i)
			continue
		}
		b.addByte(c, i)
	}
}

// addByte appends one source byte, extending the last segment when both the
// text and the source continue it.
func (b *builder) addByte(c byte, at int) {
	n := len(b.segs)
	if n > 0 {
		s := &b.segs[n-1]
		if s.TextStart+s.Len == len(b.text) && s.SourceStart+int64(s.Len) == int64(at) {
			s.Len++
			b.text = append(b.text, c)
			return
		}
	}
	b.segs = append(b.segs, schemas.Segment{TextStart: len(b.text), SourceStart: int64(at), Len: 1})
	b.text = append(b.text, c)
}

// mapped appends text decoded from the source at offset at (an entity or a
// windows-1252 byte) as a segment of its own.
func (b *builder) mapped(s string, at int) {
	if s == "" {
		return
	}
	b.segs = append(b.segs, schemas.Segment{TextStart: len(b.text), SourceStart: int64(at), Len: len(s)})
	b.text = append(b.text, s...)
}

// insert appends text that has no source, such as a line break for a block
// tag or the blank line between documents.
func (b *builder) insert(s string) { b.text = append(b.text, s...) }

func (b *builder) endsWith(c byte) bool {
	return len(b.text) > 0 && b.text[len(b.text)-1] == c
}

// endLine starts a new line unless the text is empty or already at one.
func (b *builder) endLine() {
	if len(b.text) > 0 && !b.endsWith('\n') {
		b.insert("\n")
	}
}
