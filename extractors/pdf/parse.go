package pdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"

	"github.com/finx-dev/finx/schemas"
	"github.com/ledongthuc/pdf"
)

// maxTreeDepth bounds the page tree and /Parent chains, which a malformed
// file may make circular.
const maxTreeDepth = 64

// Parse extracts the text of a PDF file page by page. name is used in errors
// and as Document.SourcePath. Every error is an *Error. A page that cannot be
// read adds a warning to Document.Warnings instead of failing the parse.
func Parse(ctx context.Context, name string, data []byte, cfg Config) (*schemas.Document, error) {
	if err := cfg.Validate(); err != nil {
		return nil, &Error{File: name, Code: ReasonInvalidConfig, Err: err}
	}
	cfg = cfg.withDefaults()
	src, reason, err := precheck(data)
	if err != nil {
		return nil, &Error{File: name, Code: reason, Err: err}
	}

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return nil, ctxError(name, 0, err)
	}
	var stopped atomic.Bool
	type result struct {
		doc *schemas.Document
		err error
	}
	done := make(chan result, 1)
	p := &parser{name: name, maxPages: cfg.MaxPages, stop: stopped.Load, unmapped: make(map[string]bool)}
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{err: p.panicError(v)}
			}
		}()
		doc, err := p.parse(src)
		done <- result{doc, err}
	}()

	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		fillFiling(r.doc, name, data)
		return r.doc, nil
	case <-ctx.Done():
		// The goroutine reads the flag at its next operator check and exits.
		// NOTE: a library loop that never reaches an operator check, such as
		// a cycle of object streams linked by /Extends, keeps the goroutine
		// running after Parse returns, and Go cannot stop it from outside.
		stopped.Store(true)
		return nil, ctxError(name, int(p.page.Load()), ctx.Err())
	}
}

func ctxError(name string, page int, err error) *Error {
	code := ReasonParseTimeout
	if errors.Is(err, context.Canceled) {
		code = ReasonCanceled
	}
	return &Error{File: name, Code: code, Page: page, Err: err}
}

func fillFiling(doc *schemas.Document, name string, data []byte) {
	sum := sha256.Sum256(data)
	doc.DocID = hex.EncodeToString(sum[:])
	doc.SourcePath = name
	doc.MediaType = schemas.MediaPDF
	doc.Size = int64(len(data))
}

type parser struct {
	name     string
	maxPages int
	stop     func() bool
	// page is the 1-based page being read, for errors raised on timeout.
	page atomic.Int64
	// glyphs is reused from page to page.
	glyphs []glyph
	// unmapped holds fonts already reported as having no ToUnicode map.
	unmapped map[string]bool
}

// panicError turns a panic that escaped the library into an *Error. The
// library reports malformed input by panicking with an error or a string,
// so those mean corrupt_pdf. A runtime error (nil dereference, index out of
// range) is a library bug and gets parse_panic.
func (p *parser) panicError(v any) *Error {
	page := int(p.page.Load())
	if v == errStopped {
		return &Error{File: p.name, Code: ReasonParseTimeout, Page: page, Err: errStopped}
	}
	if re, ok := v.(runtime.Error); ok {
		return &Error{File: p.name, Code: ReasonParsePanic, Page: page, Err: fmt.Errorf("%w\n%s", re, firstFrames(debug.Stack()))}
	}
	if err, ok := v.(error); ok {
		return &Error{File: p.name, Code: ReasonCorruptPDF, Page: page, Err: err}
	}
	return &Error{File: p.name, Code: ReasonCorruptPDF, Page: page, Err: fmt.Errorf("%v", v)}
}

func (p *parser) parse(src []byte) (*schemas.Document, error) {
	r, err := openReader(src)
	if err != nil {
		return nil, &Error{File: p.name, Code: classifyOpenError(err), Err: err}
	}
	root := r.Trailer().Key("Root")
	pagesRoot := root.Key("Pages")
	if pagesRoot.Kind() != pdf.Dict {
		return nil, &Error{File: p.name, Code: ReasonCorruptPDF, Err: errors.New("the document catalog has no page tree")}
	}
	pages, more := p.collectPages(pagesRoot)

	doc := &schemas.Document{}
	var text strings.Builder
	// noTextLayer counts pages that drew no text and gave no other warning:
	// scanned images, or blank pages.
	noTextLayer := 0
	for i, pv := range pages {
		number := i + 1
		p.page.Store(int64(number))
		if p.stop() {
			panic(errStopped)
		}
		if i > 0 {
			text.WriteByte('\f')
		}
		pageText, tables, warns := p.readPage(pv, number)
		doc.Warnings = append(doc.Warnings, warns...)
		start := text.Len()
		text.WriteString(pageText)
		for _, t := range tables {
			doc.Tables = append(doc.Tables, shiftTable(t, start, number))
		}
		hasText := strings.TrimSpace(pageText) != ""
		if hasText {
			doc.PagesWithText++
		} else if len(warns) == 0 {
			doc.Warnings = append(doc.Warnings, fmt.Sprintf("page %d has no text layer", number))
			noTextLayer++
		}
		doc.Pages = append(doc.Pages, schemas.Page{Number: number, Start: start, End: text.Len(), HasText: hasText})
	}
	p.page.Store(0)
	if more {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("pages after page %d were not read (MaxPages)", p.maxPages))
	}
	if len(pages) == 0 {
		doc.Warnings = append(doc.Warnings, "the page tree has no pages")
	}
	if noTextLayer > 0 {
		// One line for the whole file, so that a scanned filing shows
		// without counting the per-page warnings.
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("%d of %d pages have no text layer; scanned pages need OCR", noTextLayer, len(pages)))
	}
	doc.Text = text.String()
	return doc, nil
}

// shiftTable moves a table's spans from page text offsets to document text
// offsets and sets its page.
func shiftTable(t schemas.Table, offset, page int) schemas.Table {
	t.Start += offset
	t.End += offset
	t.Page = page
	for _, r := range t.Rows {
		for i := range r.Cells {
			r.Cells[i].Start += offset
			r.Cells[i].End += offset
		}
	}
	return t
}

// readPage returns the page's text, its tables and its warnings. Content that cannot be
// read to the end gives a warning and keeps the text drawn before the fault.
// A font whose codes cannot be mapped to Unicode is reported once per file.
func (p *parser) readPage(pv pdf.Value, number int) (text string, tables []schemas.Table, warnings []string) {
	in := &interpreter{stop: p.stop, glyphs: p.glyphs[:0]}
	defer func() {
		p.glyphs = in.glyphs[:0]
		for name := range in.unmapped {
			if !p.unmapped[name] {
				p.unmapped[name] = true
				warnings = append(warnings, fmt.Sprintf("page %d: font %s has no ToUnicode map, so its text was dropped", number, name))
			}
		}
	}()
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == errStopped {
			panic(v)
		}
		box, hasBox := pageBox(pv)
		var hidden []string
		in.glyphs, hidden = dropHidden(in.glyphs, box, hasBox, number)
		text, tables = layoutPage(in.glyphs)
		warnings = append(warnings, fmt.Sprintf("page %d: content could not be read: %v", number, v))
		warnings = append(warnings, hidden...)
	}()
	contents := pv.Key("Contents")
	if contents.Kind() != pdf.Stream && contents.Kind() != pdf.Array {
		return "", nil, nil
	}
	sc := &scope{resources: inherited(pv, "Resources"), fonts: make(map[string]*font)}
	in.run(contents, sc, identity, 0)
	box, hasBox := pageBox(pv)
	in.glyphs, warnings = dropHidden(in.glyphs, box, hasBox, number)
	text, tables = layoutPage(in.glyphs)
	return text, tables, warnings
}

// pageBox returns the page's crop box, or its media box when it has no
// valid crop box, and false when it has neither.
func pageBox(pv pdf.Value) (rect, bool) {
	for _, key := range []string{"CropBox", "MediaBox"} {
		a := inherited(pv, key)
		if a.Kind() != pdf.Array || a.Len() != 4 {
			continue
		}
		x0, y0, x1, y1 := a.Index(0).Float64(), a.Index(1).Float64(), a.Index(2).Float64(), a.Index(3).Float64()
		r := rect{min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)}
		if r.x1-r.x0 > 1 && r.y1-r.y0 > 1 && finite(r.x0, r.y0, r.x1, r.y1) {
			return r, true
		}
	}
	return rect{}, false
}

// dropHidden removes the glyphs that a reader of the rendered page would
// not see (see visibility) and returns a warning per kind with its count.
// Text drawn in render mode 3 is kept when the page has no visible text,
// because that is the text layer that OCR tools put over a scanned page.
func dropHidden(glyphs []glyph, box rect, hasBox bool, number int) ([]glyph, []string) {
	var counts [hiddenOffPage + 1]int
	for i := range glyphs {
		g := &glyphs[i]
		if g.hidden == visible && hasBox && finite(g.x, g.y) {
			margin := max(g.size, 1)
			if g.x < box.x0-margin || g.x > box.x1+margin || g.y < box.y0-margin || g.y > box.y1+margin {
				g.hidden = hiddenOffPage
			}
		}
		if !isBlank(g.s) {
			counts[g.hidden]++
		}
	}
	keepMode := counts[visible] == 0 && counts[hiddenMode] > 0
	var warnings []string
	if keepMode {
		warnings = append(warnings, fmt.Sprintf("page %d: all %d characters of text are invisible (render mode 3), as in the text layer of a scanned page; the text was kept", number, counts[hiddenMode]))
	}
	shown := glyphs[:0]
	for _, g := range glyphs {
		if g.hidden == visible || g.hidden == hiddenMode && keepMode {
			shown = append(shown, g)
		}
	}
	for _, k := range []struct {
		v           visibility
		description string
	}{
		{hiddenMode, "invisible characters (text render mode 3 or 7)"},
		{hiddenWhite, "white characters with nothing drawn under them"},
		{hiddenTiny, "characters smaller than 1 point"},
		{hiddenOffPage, "characters outside the page's crop box"},
	} {
		if counts[k.v] > 0 && !(k.v == hiddenMode && keepMode) {
			warnings = append(warnings, fmt.Sprintf("page %d: dropped %d %s", number, counts[k.v], k.description))
		}
	}
	return shown, warnings
}

// collectPages walks the page tree in order and returns up to maxPages page
// dictionaries, and whether more pages were left out.
func (p *parser) collectPages(root pdf.Value) ([]pdf.Value, bool) {
	var pages []pdf.Value
	visited := 0
	more := false
	var walk func(node pdf.Value, depth int)
	walk = func(node pdf.Value, depth int) {
		visited++
		if depth > maxTreeDepth || visited > 4*p.maxPages+1000 {
			return
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Pages" || kids.Kind() == pdf.Array {
			for i := 0; i < kids.Len(); i++ {
				if len(pages) >= p.maxPages {
					more = true
					return
				}
				walk(kids.Index(i), depth+1)
			}
			return
		}
		if node.Kind() == pdf.Dict {
			pages = append(pages, node)
		}
	}
	walk(root, 0)
	return pages, more
}

// inherited looks up an inheritable page attribute, such as /Resources, on
// the page and then on its ancestors, following at most maxTreeDepth /Parent
// links.
func inherited(v pdf.Value, key string) pdf.Value {
	for range maxTreeDepth {
		if v.IsNull() {
			break
		}
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// classifyOpenError maps an error from opening the file to a Reason. The
// library has no error types, so the message text decides.
func classifyOpenError(err error) string {
	msg := strings.ToLower(err.Error())
	switch {
	case errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(msg, "encrypt") || strings.Contains(msg, "password"):
		return ReasonEncryptedPDF
	case strings.Contains(msg, "xref") || strings.Contains(msg, "cross-reference") ||
		strings.Contains(msg, "trailer") || strings.Contains(msg, "%%eof") ||
		strings.Contains(msg, "unexpected eof") || strings.Contains(msg, "reading at offset"):
		return ReasonTruncatedPDF
	default:
		return ReasonCorruptPDF
	}
}

func openReader(src []byte) (*pdf.Reader, error) {
	return pdf.NewReader(bytes.NewReader(src), int64(len(src)))
}

// firstFrames keeps the top of a goroutine stack for a panic error.
func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	return strings.Join(lines[:min(len(lines), 16)], "\n")
}
