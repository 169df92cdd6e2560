package html

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/finx-dev/finx/extractors/ixbrl"
	"github.com/finx-dev/finx/schemas"
)

// Parser parses HTML and inline XBRL documents under one Config. It is
// safe for concurrent use.
type Parser struct {
	cfg Config
}

// New returns a Parser, or the error of cfg.Validate.
func New(cfg Config) (*Parser, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Parser{cfg: cfg.withDefaults()}, nil
}

var defaultParser = &Parser{cfg: Config{}.withDefaults()}

// Parse parses data with the default Config. name identifies the file in
// errors and becomes Document.SourcePath.
func Parse(ctx context.Context, name string, data []byte) (*schemas.Document, error) {
	return defaultParser.Parse(ctx, name, data)
}

// ctxCheckTokens is how many tokens pass between context checks.
const ctxCheckTokens = 4096

// maxEndSearch is how far down the element stack an end tag looks for its
// start tag. It bounds the work per end tag; an end tag whose element lies
// deeper is ignored, which only happens after hundreds of unclosed
// elements.
const maxEndSearch = 256

// binaryProbeBytes is how much of the file is searched for NUL bytes.
const binaryProbeBytes = 8192

// Parse parses data into a Document with visible text, a source map and,
// for inline XBRL, the facts. It fills DocID (the sha256 of data),
// SourcePath (name), MediaType, Size, and Form, Company and CIK where the
// document states them. Errors are *Error values.
func (p *Parser) Parse(ctx context.Context, name string, data []byte) (*schemas.Document, error) {
	fail := func(code string, off int64, err error) error {
		return &Error{File: name, Code: code, Offset: off, Err: err}
	}
	if len(data) == 0 {
		return nil, fail(ReasonEmptyFile, 0, ErrEmptyFile)
	}
	if int64(len(data)) > p.cfg.MaxBytes {
		return nil, fail(ReasonTooLarge, p.cfg.MaxBytes, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), p.cfg.MaxBytes))
	}
	// NOTE: UTF-16 documents contain NUL bytes and are reported here as
	// not_html; EDGAR accepts only ASCII-compatible encodings.
	if i := bytes.IndexByte(data[:min(len(data), binaryProbeBytes)], 0); i >= 0 {
		return nil, fail(ReasonNotHTML, int64(i), fmt.Errorf("%w: NUL byte", ErrNotHTML))
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fail(ReasonNotHTML, 0, fmt.Errorf("%w: PDF signature", ErrNotHTML))
	}

	enc, warning := detectEncoding(data)
	st := &state{
		p:       p,
		w:       newTextWriter(len(data) / 4),
		dec:     textDecoder{enc: enc},
		ix:      ixbrl.NewBuilder(),
		bodyAt:  -1,
		tagName: make(map[string]string),
	}
	if warning != "" {
		st.warnings = append(st.warnings, warning)
	}
	if err := st.run(ctx, data); err != nil {
		return nil, fail(ReasonCanceled, st.pos, err)
	}
	if !st.sawTag {
		return nil, fail(ReasonNotHTML, 0, fmt.Errorf("%w: no markup", ErrNotHTML))
	}
	st.closeTables()
	text := st.w.finish()
	if !st.bodyText {
		off := st.bodyAt
		if off < 0 {
			off = int64(len(data))
		}
		return nil, fail(ReasonNoBody, off, ErrNoBody)
	}

	sum := sha256.Sum256(data)
	doc := &schemas.Document{
		Filing: schemas.Filing{
			DocID:      hex.EncodeToString(sum[:]),
			SourcePath: name,
			MediaType:  schemas.MediaHTML,
			Form:       st.wrapperType,
			Size:       int64(len(data)),
		},
		Text:     text,
		Tables:   st.finishTables(text),
		Segments: st.w.segs,
		Warnings: st.warnings,
	}
	if st.ix.Seen() {
		facts, warnings := st.ix.Facts(text)
		doc.MediaType = schemas.MediaIXBRL
		doc.Facts = facts
		doc.Warnings = append(doc.Warnings, warnings...)
		fillDEI(doc)
	}
	return doc, nil
}

// fillDEI copies the cover-page facts into the filing envelope.
func fillDEI(doc *schemas.Document) {
	for _, f := range doc.Facts {
		if f.Display == "" {
			continue
		}
		switch f.Concept {
		case "dei:DocumentType":
			doc.Form = f.Display
		case "dei:EntityRegistrantName":
			if doc.Company == "" {
				doc.Company = f.Display
			}
		case "dei:EntityCentralIndexKey":
			if doc.CIK == "" {
				doc.CIK = f.Display
			}
		}
	}
}

type element struct {
	tag    string
	hidden bool
	block  bool
	pre    bool
	// shows is the id of a hidden fact that this element displays, and
	// textStart the text offset at its start tag.
	shows     string
	textStart int
}

// state is one parse in progress.
type state struct {
	p   *Parser
	w   *textWriter
	dec textDecoder
	ix  *ixbrl.Builder

	stack  []element
	hidden int
	pre    int
	pos    int64
	sawTag bool
	// title counts open title elements; bodyText is set once visible
	// text outside a title was written, so a title alone is no body.
	title    int
	bodyText bool
	bodyAt   int64
	inHTML   bool
	// skipLine drops text up to the end of the line after an SGML wrapper
	// tag such as <TYPE>; captureType keeps that text for <TYPE>.
	skipLine    bool
	captureType bool
	wrapperType string
	// rawText is set while inside a raw text element whose content is not
	// decoded for entities (xmp, plaintext).
	rawText bool
	// cells has one entry per open table (false) and table cell (true).
	// Text is inside a cell when the last entry is true.
	cells []bool
	// tables has one entry per open table, nil for a hidden one, and
	// doneTables the tables closed so far.
	tables     []*tableBuilder
	doneTables []schemas.Table
	warnings   []string
	tagName    map[string]string
	attrs      []xhtml.Attribute
}

func (s *state) run(ctx context.Context, data []byte) error {
	z := xhtml.NewTokenizer(bytes.NewReader(data))
	for n := 0; ; n++ {
		if n%ctxCheckTokens == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		tt := z.Next()
		raw := z.Raw()
		start := s.pos
		s.pos += int64(len(raw))
		switch tt {
		case xhtml.ErrorToken:
			return nil
		case xhtml.TextToken:
			s.text(raw, start)
		case xhtml.StartTagToken:
			s.sawTag = true
			s.startTag(z, start, false)
		case xhtml.SelfClosingTagToken:
			s.sawTag = true
			s.startTag(z, start, true)
		case xhtml.EndTagToken:
			s.sawTag = true
			name, _ := z.TagName()
			s.endTag(s.intern(name))
		}
	}
}

func (s *state) intern(b []byte) string {
	if t, ok := s.tagName[string(b)]; ok {
		return t
	}
	t := string(b)
	s.tagName[t] = t
	return t
}

func (s *state) text(raw []byte, src int64) {
	if s.skipLine {
		i := bytes.IndexByte(raw, '\n')
		line := raw
		if i >= 0 {
			line = raw[:i]
		}
		if s.captureType {
			s.wrapperType += strings.TrimSpace(string(line))
		}
		if i < 0 {
			return
		}
		s.skipLine, s.captureType = false, false
		raw = raw[i:]
		src += int64(i)
	}
	visible := s.hidden == 0
	before := s.w.len()
	decoded := s.dec.decode(s.w, raw, src, visible, !s.rawText, s.pre > 0)
	if s.w.len() > before && s.title == 0 {
		s.bodyText = true
	}
	if len(decoded) > 0 && s.ix.WantsText() {
		s.ix.Text(string(decoded))
	}
}

// sgmlWrapper lists the EDGAR submission tags that may surround an HTML
// document; lineValued ones carry a value up to the end of the line.
var sgmlWrapper = map[string]bool{
	"document": false, "text": false, "page": false,
	"type": true, "sequence": true, "filename": true, "description": true,
}

func (s *state) startTag(z *xhtml.Tokenizer, src int64, selfClosing bool) {
	nameBytes, hasAttr := z.TagName()
	tag := s.intern(nameBytes)
	s.skipLine, s.captureType = false, false

	if lineValued, ok := sgmlWrapper[tag]; ok && !s.inHTML {
		if lineValued && !selfClosing {
			s.skipLine = true
			s.captureType = tag == "type" && s.wrapperType == ""
		}
		return
	}

	// Attributes are kept only where the inline XBRL builder reads them;
	// other elements need just style and hidden.
	wantAttrs := tag == "html" || strings.IndexByte(tag, ':') >= 0
	s.attrs = s.attrs[:0]
	hidden := false
	shows := ""
	for hasAttr {
		var key, val []byte
		key, val, hasAttr = z.TagAttr()
		switch string(key) {
		case "style":
			hidden = hidden || styleHidden(val)
			shows = secHiddenFact(val)
		case "hidden":
			hidden = true
		}
		if wantAttrs {
			s.attrs = append(s.attrs, xhtml.Attribute{Key: string(key), Val: string(val)})
		}
	}

	switch tag {
	case "html":
		s.inHTML = true
	case "body":
		if s.bodyAt < 0 {
			s.bodyAt = src
		}
	}
	if wantAttrs {
		s.ix.Start(tag, s.attrs, src, s.w.len())
		if s.ix.IsHeader(tag) {
			hidden = true
		}
	}

	if voidElements[tag] {
		if lineBreaking[tag] {
			s.blockBreak()
		}
		return
	}
	if rawTextTags[tag] && selfClosing {
		// An XHTML <script/> or <title/> has no content, but the tokenizer
		// would read what follows as its raw text.
		z.NextIsNotRawText()
	}
	if hiddenTags[tag] {
		hidden = true
	}
	block := blockElements[tag]
	if block {
		s.blockBreak()
	} else if tag == "td" || tag == "th" {
		s.w.cell()
	}
	if selfClosing {
		if wantAttrs {
			s.ix.End(tag, s.w.len())
		}
		if block {
			s.blockBreak()
		}
		return
	}

	s.closeImplied(tag)
	if len(s.stack) >= s.p.cfg.MaxDepth {
		return
	}
	el := element{
		tag:       tag,
		hidden:    hidden,
		block:     block,
		pre:       tag == "pre" || tag == "listing",
		shows:     shows,
		textStart: s.w.len(),
	}
	if el.hidden {
		s.hidden++
	}
	if el.pre {
		s.pre++
	}
	if tag == "xmp" || tag == "plaintext" {
		s.rawText = true
	}
	switch tag {
	case "title":
		s.title++
	case "table":
		s.cells = append(s.cells, false)
	case "td", "th":
		s.cells = append(s.cells, true)
	}
	s.stack = append(s.stack, el)
	switch tag {
	case "table":
		s.tableStart(s.hidden > 0)
	case "tr":
		s.rowStart()
	case "td", "th":
		s.cellStart()
	}
}

// closeImplied pops an element that the new start tag closes implicitly in
// HTML, such as an unclosed <p> before the next <p>, so that old documents
// without end tags do not grow the stack without bound.
func (s *state) closeImplied(tag string) {
	group, ok := impliedEnd[tag]
	if !ok || len(s.stack) == 0 {
		return
	}
	top := s.stack[len(s.stack)-1].tag
	if impliedEnd[top] == group {
		s.endTag(top)
	}
}

func (s *state) endTag(tag string) {
	if _, ok := sgmlWrapper[tag]; ok && !s.inHTML {
		return
	}
	if tag == "html" {
		s.inHTML = false
	}
	if strings.IndexByte(tag, ':') >= 0 {
		s.ix.End(tag, s.w.len())
	}
	if tag == "br" {
		// Browsers read </br> as <br>.
		s.blockBreak()
		return
	}
	i := len(s.stack) - 1
	for i >= 0 && len(s.stack)-i <= maxEndSearch && s.stack[i].tag != tag {
		i--
	}
	if i < 0 || s.stack[i].tag != tag {
		if blockElements[tag] {
			s.blockBreak()
		}
		return
	}
	for j := len(s.stack) - 1; j >= i; j-- {
		el := s.stack[j]
		if el.hidden {
			s.hidden--
		}
		if el.pre {
			s.pre--
		}
		if el.shows != "" {
			s.ix.Shown(el.shows, el.textStart, s.w.len())
		}
		if el.block {
			s.blockBreak()
		}
		switch el.tag {
		case "title":
			s.title--
		case "xmp", "plaintext":
			s.rawText = false
		case "table", "td", "th":
			if len(s.cells) > 0 {
				s.cells = s.cells[:len(s.cells)-1]
			}
		}
		switch el.tag {
		case "table":
			s.tableEnd()
		case "tr":
			s.rowEnd()
		case "td", "th":
			s.cellEnd()
		}
	}
	s.stack = s.stack[:i]
}

// blockBreak ends the line at a block boundary, or inserts a space when
// the boundary is inside a table cell.
func (s *state) blockBreak() {
	if n := len(s.cells); n > 0 && s.cells[n-1] {
		s.w.softBreak()
		return
	}
	s.w.block()
}

// styleHidden reports whether an inline style sets display:none. Only
// ASCII letters are folded, so offsets into style stay valid.
func styleHidden(style []byte) bool {
	for i := 0; i+len("display") <= len(style); i++ {
		if !asciiEqualFold(style[i:i+len("display")], "display") {
			continue
		}
		rest := bytes.TrimLeft(style[i+len("display"):], " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) >= len("none") && asciiEqualFold(rest[:len("none")], "none") {
			return true
		}
	}
	return false
}

// secHiddenProperty is the EDGAR style property that names the hidden
// fact an element displays, as in style="-sec-ix-hidden:f-629".
const secHiddenProperty = "-sec-ix-hidden"

// secHiddenFact returns the fact id in a -sec-ix-hidden style, or "".
func secHiddenFact(style []byte) string {
	i := bytes.Index(style, []byte(secHiddenProperty))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(style[i+len(secHiddenProperty):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return ""
	}
	rest = rest[1:]
	if j := bytes.IndexByte(rest, ';'); j >= 0 {
		rest = rest[:j]
	}
	return string(bytes.TrimSpace(rest))
}

// asciiEqualFold compares b with the lowercase ASCII word, ignoring case.
func asciiEqualFold(b []byte, word string) bool {
	for i := range len(word) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
