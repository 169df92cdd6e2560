package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

const (
	// headerWindow is how far into the file the %PDF- header may start, so
	// that a short prefix (a mail or HTTP header left in the file) passes.
	headerWindow = 1024
	// trailerWindow is how far from the end of the file %%EOF and startxref
	// are searched for, to allow for junk after the last %%EOF.
	trailerWindow = 2048
	// maxXrefSlack is added to the file size when bounding a cross-reference
	// /Size, so that tiny hand-made files with gaps in their numbering pass.
	maxXrefSlack = 4096
)

var (
	sizeEntry    = regexp.MustCompile(`/Size\s+(\d+)`)
	errNoHeader  = errors.New("no %PDF- header in the first 1024 bytes")
	errNoEOF     = errors.New("no %%EOF marker at the end of the file")
	errNoXrefPtr = errors.New("no startxref before %%EOF")
)

// precheck classifies input that the PDF library would reject or that could
// make it allocate without bound, and returns the bytes the library should
// read. The library requires "%PDF-1.0" to "%PDF-1.7" and a line end at
// offset 0 and %%EOF within the last 100 bytes, so another header (such as
// %PDF-2.0) is relabelled and bytes after the last %%EOF are cut off.
func precheck(data []byte) ([]byte, string, error) {
	if len(data) == 0 {
		return nil, ReasonEmptyFile, errors.New("the file has zero bytes")
	}
	head := data[:min(len(data), headerWindow)]
	at := bytes.Index(head, []byte("%PDF-"))
	if at < 0 {
		return nil, ReasonNotPDF, errNoHeader
	}
	if at > 0 {
		// NOTE: offsets in a file with a prefix before %PDF- count from the
		// header, and the library counts from byte 0, so the prefix is dropped.
		data = data[at:]
	}
	if len(data) < 9 {
		return nil, ReasonTruncatedPDF, errNoEOF
	}
	if !hasLibraryHeader(data) {
		// Rewrite the first 9 bytes, which are a comment line, to a header the
		// library accepts. The length stays the same, so offsets hold.
		fixed := make([]byte, len(data))
		copy(fixed, data)
		copy(fixed, "%PDF-1.7\n")
		data = fixed
	}

	tail := data[max(0, len(data)-trailerWindow):]
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	if eof < 0 {
		return nil, ReasonTruncatedPDF, errNoEOF
	}
	end := len(data) - len(tail) + eof + len("%%EOF")
	data = data[:end]
	if !bytes.Contains(data[max(0, len(data)-trailerWindow):], []byte("startxref")) {
		return nil, ReasonTruncatedPDF, errNoXrefPtr
	}
	if err := checkXrefSizes(data); err != nil {
		return nil, ReasonCorruptPDF, err
	}
	if err := checkPrevChain(data); err != nil {
		return nil, ReasonCorruptPDF, err
	}
	return data, "", nil
}

var (
	startxrefEntry = regexp.MustCompile(`startxref\s+(\d+)`)
	prevEntry      = regexp.MustCompile(`/Prev\s+(\d+)`)
)

// checkPrevChain follows the cross-reference sections from the last
// startxref through their /Prev entries and rejects a chain that comes back
// to a section it has read. The library follows /Prev without remembering
// where it has been, so a file whose trailer points at its own section
// makes it loop forever. A section's /Prev is taken as the first one after
// the section's offset and before the next startxref, which is where both a
// classic trailer and a cross-reference stream's dictionary put it.
func checkPrevChain(data []byte) error {
	all := startxrefEntry.FindAllSubmatch(data, -1)
	if len(all) == 0 {
		return nil
	}
	at, err := strconv.ParseInt(string(all[len(all)-1][1]), 10, 64)
	if err != nil {
		return nil
	}
	seen := map[int64]bool{}
	for at >= 0 && at < int64(len(data)) {
		if seen[at] {
			return fmt.Errorf("cross-reference /Prev chain loops back to offset %d", at)
		}
		seen[at] = true
		section := data[at:]
		if end := bytes.Index(section, []byte("startxref")); end >= 0 {
			section = section[:end]
		}
		m := prevEntry.FindSubmatch(section)
		if m == nil {
			return nil
		}
		if at, err = strconv.ParseInt(string(m[1]), 10, 64); err != nil {
			return nil
		}
	}
	return nil
}

// checkXrefSizes rejects a /Size or an xref subsection whose object count
// exceeds the file size. The library allocates one table entry per object
// before reading any, so a forged count of 10^12 would exhaust memory, which
// Go cannot recover from. A real file spends at least one byte per object.
func checkXrefSizes(data []byte) error {
	limit := int64(len(data)) + maxXrefSlack
	for _, m := range sizeEntry.FindAllSubmatch(data, -1) {
		n, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err != nil || n > limit {
			return fmt.Errorf("cross-reference /Size %s exceeds the limit of %d for a %d-byte file", m[1], limit, len(data))
		}
	}
	// Classic tables start with "xref" at the start of a line; "startxref"
	// does not match because a letter precedes it.
	for at := 0; ; {
		i := bytes.Index(data[at:], []byte("xref"))
		if i < 0 {
			return nil
		}
		i += at
		at = i + 4
		atLineStart := i == 0 || data[i-1] == '\n' || data[i-1] == '\r'
		if !atLineStart || at >= len(data) || !isSpace(data[at]) {
			continue
		}
		if err := checkXrefTable(data[at:], limit); err != nil {
			return err
		}
	}
}

// checkXrefTable walks the subsection headers ("first count") of a classic
// cross-reference table and bounds first+count.
func checkXrefTable(b []byte, limit int64) error {
	fields := newFieldScanner(b)
	for {
		first, ok := fields.int()
		if !ok {
			return nil
		}
		count, ok := fields.int()
		if !ok {
			return nil
		}
		if first+count > limit {
			return fmt.Errorf("xref subsection %d %d exceeds the limit of %d objects", first, count, limit)
		}
		// Each entry is "offset generation n|f"; skip them.
		for i := int64(0); i < count; i++ {
			if !fields.skip(3) {
				return nil
			}
		}
	}
}

// fieldScanner reads whitespace-separated fields.
type fieldScanner struct {
	b   []byte
	pos int
}

func newFieldScanner(b []byte) *fieldScanner { return &fieldScanner{b: b} }

func (s *fieldScanner) next() []byte {
	for s.pos < len(s.b) && isSpace(s.b[s.pos]) {
		s.pos++
	}
	start := s.pos
	for s.pos < len(s.b) && !isSpace(s.b[s.pos]) {
		s.pos++
	}
	return s.b[start:s.pos]
}

// int reads a field that must be a non-negative integer of at most 18 digits.
func (s *fieldScanner) int() (int64, bool) {
	f := s.next()
	if len(f) == 0 || len(f) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func (s *fieldScanner) skip(n int) bool {
	for range n {
		if len(s.next()) == 0 {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', 0:
		return true
	}
	return false
}

// hasLibraryHeader reports whether data starts the way the library demands:
// %PDF-1.N with N from 0 to 7, then CR or LF.
func hasLibraryHeader(data []byte) bool {
	return bytes.HasPrefix(data, []byte("%PDF-1.")) &&
		data[7] >= '0' && data[7] <= '7' &&
		(data[8] == '\r' || data[8] == '\n')
}
