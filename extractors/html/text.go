package html

import (
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// textWriter builds Document.Text and its source map. Separators are held
// back until the next visible character, so that a line never starts with
// a space, cells of a row are separated by one tab and blocks by one
// newline however many empty elements lie between them.
type textWriter struct {
	buf  []byte
	segs []schemas.Segment
	// segOpen is set when the last segment may grow by the next byte.
	segOpen bool

	// empty is set until the first visible character is written. After
	// that, a held-back newline marks the start of a line.
	empty bool
	// lineStart is the offset in buf where the current line starts.
	lineStart      int
	pendingNewline bool
	pendingTab     bool
	pendingSpace   bool
	spaceSource    int64
	// spaceOneToOne is set when the held-back space came from one ASCII
	// whitespace byte, so that it may join the neighbouring segment.
	spaceOneToOne bool
}

func newTextWriter(sizeHint int) *textWriter {
	return &textWriter{
		buf:   make([]byte, 0, sizeHint),
		segs:  make([]schemas.Segment, 0, sizeHint/64),
		empty: true,
	}
}

func (w *textWriter) len() int { return len(w.buf) }

// block ends the current line, unless no text was written yet.
func (w *textWriter) block() {
	if !w.empty {
		w.pendingNewline = true
	}
	w.pendingTab = false
	w.pendingSpace = false
}

// maxSoftLine is the line length in bytes up to which a block boundary
// inside a table cell becomes a space. Longer lines end instead, because a
// cell that long is a layout table wrapping whole paragraphs, not a row of
// figures.
const maxSoftLine = 256

// softBreak separates blocks inside a table cell with a space, so that a
// row whose cells hold div or p elements stays on one line. The space is
// inserted text and has no segment.
func (w *textWriter) softBreak() {
	if len(w.buf)-w.lineStart > maxSoftLine {
		w.block()
		return
	}
	if w.empty || w.pendingNewline || w.pendingTab || w.pendingSpace {
		return
	}
	w.pendingSpace = true
	w.spaceSource = -1
}

// cell starts a table cell: a tab separates it from earlier text on the row.
func (w *textWriter) cell() {
	if !w.empty && !w.pendingNewline {
		w.pendingTab = true
		w.pendingSpace = false
	}
}

// space records whitespace at source offset src; runs collapse to one
// space. oneToOne is false for a space decoded from a character reference
// or a multi-byte non-breaking space.
func (w *textWriter) space(src int64, oneToOne bool) {
	if w.empty || w.pendingNewline || w.pendingTab || w.pendingSpace {
		return
	}
	w.pendingSpace = true
	w.spaceSource = src
	w.spaceOneToOne = oneToOne
}

// flush writes the held-back separator before visible text.
func (w *textWriter) flush() {
	switch {
	case w.pendingNewline:
		w.buf = append(w.buf, '\n')
		w.segOpen = false
		w.lineStart = len(w.buf)
	case w.pendingTab:
		w.buf = append(w.buf, '\t')
		w.segOpen = false
	case w.pendingSpace && w.spaceSource < 0:
		w.buf = append(w.buf, ' ')
		w.segOpen = false
	case w.pendingSpace:
		w.add(spaceByte, w.spaceSource, w.spaceOneToOne)
	}
	w.pendingNewline, w.pendingTab, w.pendingSpace = false, false, false
	w.empty = false
}

// write appends visible text that came from source offset src. oneToOne
// means each byte of p is the byte at the same position in the source, so
// the last segment may grow. Decoded entities and transcoded characters
// get a segment of their own.
func (w *textWriter) write(p []byte, src int64, oneToOne bool) {
	w.flush()
	w.add(p, src, oneToOne)
}

func (w *textWriter) add(p []byte, src int64, oneToOne bool) {
	if n := len(w.segs); oneToOne && w.segOpen && n > 0 {
		last := &w.segs[n-1]
		if last.TextStart+last.Len == len(w.buf) && last.SourceStart+int64(last.Len) == src {
			last.Len += len(p)
			w.buf = append(w.buf, p...)
			return
		}
	}
	w.segs = append(w.segs, schemas.Segment{TextStart: len(w.buf), SourceStart: src, Len: len(p)})
	w.buf = append(w.buf, p...)
	w.segOpen = oneToOne
}

// lineBreak ends the line inside <pre>, where source newlines are kept.
func (w *textWriter) lineBreak() {
	w.block()
}

// finish ends the last line and returns the text.
func (w *textWriter) finish() string {
	if !w.empty {
		w.buf = append(w.buf, '\n')
	}
	return string(w.buf)
}

var spaceByte = []byte{' '}

// textDecoder turns the raw bytes of one text token into writer calls and
// into the decoded string that the inline XBRL builder collects.
type textDecoder struct {
	enc     textEncoding
	scratch []byte
}

// decode processes raw, which starts at source offset src. When visible is
// false nothing is written, but the decoded text is still returned. When
// entities is false, '&' is literal (raw text elements such as xmp).
func (d *textDecoder) decode(w *textWriter, raw []byte, src int64, visible, entities, pre bool) []byte {
	d.scratch = d.scratch[:0]
	i := 0
	for i < len(raw) {
		c := raw[i]
		switch {
		case c == '&' && entities:
			text, n := entity(raw[i:])
			if n == 0 {
				d.visibleByte(w, raw, i, src, visible)
				i++
				continue
			}
			d.scratch = append(d.scratch, text...)
			if visible {
				if text == "\u00a0" || text == " " || text == "\t" || text == "\n" {
					w.space(src+int64(i), false)
				} else if text != "" {
					w.write([]byte(text), src+int64(i), false)
				}
			}
			i += n
		case c == '\n' && pre:
			d.scratch = append(d.scratch, c)
			if visible {
				w.lineBreak()
			}
			i++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			d.scratch = append(d.scratch, c)
			if visible {
				w.space(src+int64(i), true)
			}
			i++
		case c < 0x20 || c == 0x7f:
			// Other control characters are not text.
			i++
		case c < 0x80:
			// A run of printable ASCII other than '&' maps one to one.
			j := i + 1
			for j < len(raw) && raw[j] > ' ' && raw[j] < 0x7f && raw[j] != '&' {
				j++
			}
			d.scratch = append(d.scratch, raw[i:j]...)
			if visible {
				w.write(raw[i:j], src+int64(i), true)
			}
			i = j
		default:
			i += d.nonASCII(w, raw, i, src, visible)
		}
	}
	return d.scratch
}

func (d *textDecoder) visibleByte(w *textWriter, raw []byte, i int, src int64, visible bool) {
	d.scratch = append(d.scratch, raw[i])
	if visible {
		w.write(raw[i:i+1], src+int64(i), true)
	}
}

// nonASCII handles the character starting at raw[i] (>= 0x80) and returns
// the number of source bytes it used.
func (d *textDecoder) nonASCII(w *textWriter, raw []byte, i int, src int64, visible bool) int {
	var text []byte
	n := 1
	oneToOne := false
	switch {
	case d.enc.utf8:
		r, size := utf8.DecodeRune(raw[i:])
		n = size
		if r == utf8.RuneError && size <= 1 {
			text = []byte("\ufffd")
		} else {
			text = raw[i : i+size]
			oneToOne = true
		}
	case d.enc.high != nil:
		text = []byte(d.enc.high[raw[i]-0x80])
	default:
		j := i
		for j < len(raw) && raw[j] >= 0x80 {
			j++
		}
		n = j - i
		out, err := d.enc.decoder.Bytes(raw[i:j])
		if err != nil {
			out = []byte("\ufffd")
		}
		text = out
	}
	s := string(text)
	switch s {
	case "\u00a0":
		d.scratch = append(d.scratch, ' ')
		if visible {
			w.space(src+int64(i), false)
		}
		return n
	case "\ufeff":
		// A byte order mark or zero-width no-break space is not text.
		return n
	}
	d.scratch = append(d.scratch, text...)
	if visible {
		w.write(text, src+int64(i), oneToOne)
	}
	return n
}
