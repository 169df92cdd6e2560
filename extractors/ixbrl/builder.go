package ixbrl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/finx-dev/finx/schemas"
)

// Namespaces that name inline XBRL elements. The prefixes are read from the
// xmlns attributes of the document. When a document does not declare them,
// the conventional prefixes ix, xbrli and xbrldi are assumed.
const (
	nsInline10 = "http://www.xbrl.org/2008/inlineXBRL"
	nsInline11 = "http://www.xbrl.org/2013/inlineXBRL"
	nsInstance = "http://www.xbrl.org/2003/instance"
	nsDim      = "http://xbrl.org/2006/xbrldi"
)

// Limits that keep hostile input from growing memory without bound.
const (
	// maxDisplayBytes caps the text kept per fact, so that a text block
	// of a whole note does not copy the note into Display.
	maxDisplayBytes = 4096
	// maxWarnings caps Builder warnings; the rest are counted.
	maxWarnings = 50
	// maxStack caps the open inline XBRL elements tracked at once.
	maxStack = 1024
	// maxNumberBytes caps the text kept for an ix:nonFraction; printed
	// numbers are short, and longer text fails to parse anyway.
	maxNumberBytes = 256
	// maxCollectBytes caps the text kept for all facts together, because
	// nested facts each keep a copy of the same text.
	maxCollectBytes = 64 << 20
	// maxEndSearch is how far down the stack an end tag looks for its
	// start tag, which bounds the work per end tag.
	maxEndSearch = 256
)

type kind uint8

const (
	kindNone kind = iota
	kindOtherIX
	kindHeader
	kindNonFraction
	kindNonNumeric
	kindContinuation
	kindExclude
	kindContext
	kindIdentifier
	kindInstant
	kindStartDate
	kindEndDate
	kindExplicitMember
	kindTypedMember
	kindUnit
	kindMeasure
	kindNumerator
	kindDenominator
)

type openElement struct {
	tag  string
	kind kind
	// index is the fact index for facts, unused otherwise.
	index int
	// cont is the continuation being collected, for kindContinuation.
	cont *continuation
}

type factState struct {
	fact        schemas.Fact
	format      string
	scaleAttr   string
	sign        string
	continuedAt string
	text        strings.Builder
	open        bool
	// truncated is set when the printed text was longer than what was kept,
	// so the number cannot be read.
	truncated bool
}

type continuation struct {
	text        strings.Builder
	continuedAt string
}

type context struct {
	instant, start, end string
	dims                []schemas.Dimension
}

type unit struct {
	numerator, denominator []string
}

// Builder collects inline XBRL facts from the element events of an HTML
// tokenizer, so that the HTML parser can map facts onto its text without
// this package importing it. Call Start and End for every start and end tag
// whose name has a namespace prefix (End right after Start for a
// self-closed tag), and Start for the html element, whose xmlns attributes
// bind the prefixes. Call Text for the decoded character data of every text
// token, hidden or not, when WantsText is true, and Facts once at the end.
// A Builder is not safe for concurrent use.
type Builder struct {
	prefixes map[string]string
	kinds    map[string]kind
	stack    []openElement
	facts    []*factState
	conts    map[string]*continuation
	contexts map[string]*context
	units    map[string]*unit
	// displaySpans maps a hidden fact's id to the text span of the element that
	// displays it through the SEC style -sec-ix-hidden.
	displaySpans map[string][2]int

	curContext *context
	curUnit    *unit
	curDim     string
	leaf       strings.Builder
	leafOpen   bool
	excludes   int
	seen       bool
	// collectors counts the open facts and continuations.
	collectors int
	// collected counts the bytes kept by Text, up to maxCollectBytes.
	collected    int
	budgetWarned bool

	warnings      []string
	warningsTotal int
	// dupContexts holds context ids defined more than once.
	dupContexts map[string]bool
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{
		prefixes:     make(map[string]string),
		kinds:        make(map[string]kind),
		conts:        make(map[string]*continuation),
		contexts:     make(map[string]*context),
		units:        make(map[string]*unit),
		displaySpans: make(map[string][2]int),
	}
}

// Shown records that the text [start, end) displays the hidden fact with
// the id, as an element styled "-sec-ix-hidden:id" does in EDGAR filings.
// Facts then locates that fact at this span.
func (b *Builder) Shown(id string, start, end int) {
	if _, ok := b.displaySpans[id]; !ok && id != "" {
		b.displaySpans[id] = [2]int{start, end}
	}
}

// IsHeader reports whether tag is ix:header, whose content (contexts,
// units and hidden facts) is not document text.
func (b *Builder) IsHeader(tag string) bool { return b.kindOf(tag) == kindHeader }

// Seen reports whether the document contained any inline XBRL element.
func (b *Builder) Seen() bool { return b.seen }

// Start records a start tag. tag is the lowercased tag name as
// golang.org/x/net/html reports it ("ix:nonfraction"); sourceOffset is the
// byte offset of the '<' in the source file and textOffset the length of the
// parsed text so far.
func (b *Builder) Start(tag string, attrs []html.Attribute, sourceOffset int64, textOffset int) {
	for _, a := range attrs {
		if p, ok := strings.CutPrefix(a.Key, "xmlns:"); ok {
			b.prefixes[p] = a.Val
			clear(b.kinds)
		}
	}
	k := b.kindOf(tag)
	if k == kindNone {
		return
	}
	b.seen = true
	if len(b.stack) >= maxStack {
		b.warn(fmt.Sprintf("ixbrl: more than %d nested elements at byte %d; ignoring <%s>", maxStack, sourceOffset, tag))
		return
	}
	el := openElement{tag: tag, kind: k}

	switch k {
	case kindNonFraction, kindNonNumeric:
		f := &factState{open: true}
		f.fact = schemas.Fact{
			ID:           attr(attrs, "id"),
			Concept:      attr(attrs, "name"),
			ContextRef:   attr(attrs, "contextref"),
			UnitRef:      attr(attrs, "unitref"),
			Decimals:     attr(attrs, "decimals"),
			Numeric:      k == kindNonFraction,
			Nil:          isNil(attrs),
			Start:        textOffset,
			End:          textOffset,
			SourceOffset: sourceOffset,
		}
		f.format = attr(attrs, "format")
		f.scaleAttr = attr(attrs, "scale")
		f.sign = attr(attrs, "sign")
		f.continuedAt = attr(attrs, "continuedat")
		el.index = len(b.facts)
		b.facts = append(b.facts, f)
		b.collectors++
	case kindContinuation:
		c := &continuation{continuedAt: attr(attrs, "continuedat")}
		if id := attr(attrs, "id"); id != "" {
			b.conts[id] = c
		}
		el.cont = c
		b.collectors++
	case kindExclude:
		b.excludes++
	case kindContext:
		c := &context{}
		id := attr(attrs, "id")
		if _, dup := b.contexts[id]; dup {
			// Context ids must be unique. With two definitions, the period a
			// fact refers to is ambiguous.
			b.warn(fmt.Sprintf("ixbrl: context %q at byte %d is defined twice; facts that use it get no period", id, sourceOffset))
			if b.dupContexts == nil {
				b.dupContexts = make(map[string]bool)
			}
			b.dupContexts[id] = true
		}
		b.contexts[id] = c
		b.curContext = c
	case kindUnit:
		u := &unit{}
		b.units[attr(attrs, "id")] = u
		b.curUnit = u
	case kindExplicitMember, kindTypedMember:
		b.curDim = attr(attrs, "dimension")
		b.startLeaf()
	case kindIdentifier, kindInstant, kindStartDate, kindEndDate, kindMeasure:
		b.startLeaf()
	}
	b.stack = append(b.stack, el)
}

// End records an end tag; textOffset is the length of the parsed text at
// the end tag. An end tag without a matching open element is ignored, and
// one that matches closes the elements opened after it as well.
func (b *Builder) End(tag string, textOffset int) {
	i := len(b.stack) - 1
	for i >= 0 && len(b.stack)-i <= maxEndSearch && b.stack[i].tag != tag {
		i--
	}
	if i < 0 || b.stack[i].tag != tag {
		return
	}
	for j := len(b.stack) - 1; j >= i; j-- {
		b.close(b.stack[j], textOffset)
	}
	b.stack = b.stack[:i]
}

// WantsText reports whether Text would keep anything now, so that a
// caller may skip building the string.
func (b *Builder) WantsText() bool { return b.leafOpen || b.collectors > 0 }

// Text records decoded character data.
func (b *Builder) Text(s string) {
	if b.leafOpen {
		b.leaf.WriteString(s)
	}
	if b.excludes > 0 {
		return
	}
	for _, el := range b.stack {
		switch el.kind {
		case kindNonFraction:
			f := b.facts[el.index]
			if !b.collect(&f.text, s, maxNumberBytes) {
				f.truncated = true
			}
		case kindNonNumeric:
			b.collect(&b.facts[el.index].text, s, 2*maxDisplayBytes)
		case kindContinuation:
			b.collect(&el.cont.text, s, 2*maxDisplayBytes)
		}
	}
}

// collect appends s to sb up to limit bytes and within the budget of all
// facts, and reports whether all of s was kept. The limit leaves room for
// whitespace that collapseSpace removes.
func (b *Builder) collect(sb *strings.Builder, s string, limit int) bool {
	room := min(limit-sb.Len(), maxCollectBytes-b.collected)
	if room <= 0 {
		if b.collected >= maxCollectBytes && !b.budgetWarned {
			b.budgetWarned = true
			b.warn(fmt.Sprintf("ixbrl: fact text over %d bytes in total; later fact text is cut", maxCollectBytes))
		}
		return s == ""
	}
	kept := truncate(s, room)
	sb.WriteString(kept)
	b.collected += len(kept)
	return len(kept) == len(s)
}

func (b *Builder) close(el openElement, textOffset int) {
	switch el.kind {
	case kindNonFraction, kindNonNumeric:
		f := b.facts[el.index]
		f.fact.End = textOffset
		f.open = false
		b.collectors--
	case kindContinuation:
		b.collectors--
	case kindExclude:
		b.excludes--
	case kindContext:
		b.curContext = nil
	case kindUnit:
		b.curUnit = nil
	case kindIdentifier:
		b.endLeaf()
	case kindInstant, kindStartDate, kindEndDate:
		v := b.endLeaf()
		if c := b.curContext; c != nil {
			switch el.kind {
			case kindInstant:
				c.instant = v
			case kindStartDate:
				c.start = v
			default:
				c.end = v
			}
		}
	case kindExplicitMember, kindTypedMember:
		v := b.endLeaf()
		if b.curContext != nil {
			b.curContext.dims = append(b.curContext.dims, schemas.Dimension{Axis: b.curDim, Member: v})
		}
	case kindMeasure:
		v := b.endLeaf()
		if u := b.curUnit; u != nil {
			if b.inside(kindDenominator) {
				u.denominator = append(u.denominator, v)
			} else {
				u.numerator = append(u.numerator, v)
			}
		}
	}
}

func (b *Builder) inside(k kind) bool {
	for _, el := range b.stack {
		if el.kind == k {
			return true
		}
	}
	return false
}

func (b *Builder) startLeaf() {
	b.leaf.Reset()
	b.leafOpen = true
}

func (b *Builder) endLeaf() string {
	b.leafOpen = false
	return strings.TrimSpace(b.leaf.String())
}

func (b *Builder) warn(msg string) {
	b.warningsTotal++
	if len(b.warnings) < maxWarnings {
		b.warnings = append(b.warnings, msg)
	}
}

// kindOf classifies a lowercased tag name by its namespace and local name.
func (b *Builder) kindOf(tag string) kind {
	prefix, local, ok := strings.Cut(tag, ":")
	if !ok {
		return kindNone
	}
	if k, ok := b.kinds[tag]; ok {
		return k
	}
	ns, declared := b.prefixes[prefix]
	if !declared {
		switch prefix {
		case "ix":
			ns = nsInline11
		case "xbrli":
			ns = nsInstance
		case "xbrldi":
			ns = nsDim
		}
	}
	k := kindNone
	switch ns {
	case nsInline10, nsInline11:
		switch local {
		case "header":
			k = kindHeader
		case "nonfraction":
			k = kindNonFraction
		case "nonnumeric":
			k = kindNonNumeric
		case "continuation":
			k = kindContinuation
		case "exclude":
			k = kindExclude
		default:
			k = kindOtherIX
		}
	case nsInstance:
		switch local {
		case "context":
			k = kindContext
		case "identifier":
			k = kindIdentifier
		case "instant":
			k = kindInstant
		case "startdate":
			k = kindStartDate
		case "enddate":
			k = kindEndDate
		case "unit":
			k = kindUnit
		case "measure":
			k = kindMeasure
		case "unitnumerator":
			k = kindNumerator
		case "unitdenominator":
			k = kindDenominator
		default:
			k = kindOtherIX
		}
	case nsDim:
		switch local {
		case "explicitmember":
			k = kindExplicitMember
		case "typedmember":
			k = kindTypedMember
		}
	}
	b.kinds[tag] = k
	return k
}

// Facts resolves contexts and units and returns the facts in document
// order, with the warnings about facts that could not be read fully. text
// is the parsed document text that the textOffset arguments counted; Start
// and End are narrowed to the printed value without surrounding whitespace.
// A hidden fact (inside ix:header) has Start == End.
func (b *Builder) Facts(text string) ([]schemas.Fact, []string) {
	out := make([]schemas.Fact, 0, len(b.facts))
	for _, f := range b.facts {
		fact := f.fact
		if f.open {
			// An element never closed ends where the text ends.
			fact.End = len(text)
		}
		if span, ok := b.displaySpans[fact.ID]; ok && fact.Start == fact.End {
			fact.Start, fact.End = span[0], span[1]
		}
		fact.Start, fact.End = trimSpan(text, fact.Start, fact.End)
		b.resolveContext(&fact)
		b.resolveUnit(&fact)

		display := collapseSpace(f.text.String())
		if !fact.Numeric {
			display = b.withContinuations(display, f.continuedAt)
		}
		fact.Display = truncate(display, maxDisplayBytes)
		if fact.Numeric {
			b.resolveNumber(&fact, f)
		}
		out = append(out, fact)
	}
	out = dedupe(out, b.warn)
	warnings := b.warnings
	if n := b.warningsTotal - len(b.warnings); n > 0 {
		warnings = append(warnings, fmt.Sprintf("ixbrl: %d more warnings not shown", n))
	}
	return out, warnings
}

func (b *Builder) resolveContext(f *schemas.Fact) {
	c, ok := b.contexts[f.ContextRef]
	if !ok {
		b.warn(fmt.Sprintf("ixbrl: %s: context %q not found", factName(f), f.ContextRef))
		return
	}
	if b.dupContexts[f.ContextRef] {
		return
	}
	instant, iok := isoDate(c.instant)
	start, sok := isoDate(c.start)
	end, eok := isoDate(c.end)
	switch {
	case !iok || !sok || !eok:
		b.warn(fmt.Sprintf("ixbrl: %s: context %q has an invalid date (instant %q, start %q, end %q); the period is left empty",
			factName(f), f.ContextRef, c.instant, c.start, c.end))
	case start != "" && end != "" && end < start:
		b.warn(fmt.Sprintf("ixbrl: %s: context %q ends (%s) before it starts (%s); the period is left empty",
			factName(f), f.ContextRef, end, start))
	default:
		f.Instant, f.PeriodStart, f.PeriodEnd = instant, start, end
	}
	if len(c.dims) > 0 {
		f.Dimensions = append([]schemas.Dimension(nil), c.dims...)
	}
}

func (b *Builder) resolveUnit(f *schemas.Fact) {
	if f.UnitRef == "" {
		return
	}
	u, ok := b.units[f.UnitRef]
	if !ok {
		b.warn(fmt.Sprintf("ixbrl: %s: unit %q not found", factName(f), f.UnitRef))
		return
	}
	f.Unit = unitString(u)
}

func (b *Builder) resolveNumber(f *schemas.Fact, st *factState) {
	if st.scaleAttr != "" {
		s, err := strconv.Atoi(strings.TrimSpace(st.scaleAttr))
		if err != nil {
			b.warn(fmt.Sprintf("ixbrl: %s: invalid scale %q", factName(f), st.scaleAttr))
		} else {
			f.Scale = s
		}
	}
	f.Negative = st.sign == "-"
	if f.Nil {
		return
	}
	if st.truncated {
		b.warn(fmt.Sprintf("ixbrl: %s: %v: printed text longer than %d bytes", factName(f), ErrInvalidNumber, maxNumberBytes))
		return
	}
	dec, err := Transform(st.format, f.Display)
	if err == nil {
		f.Value, err = Scale(dec, f.Scale, f.Negative)
	}
	if err != nil {
		b.warn(fmt.Sprintf("ixbrl: %s: %s", factName(f), strings.TrimPrefix(err.Error(), "ixbrl: ")))
	}
}

// withContinuations appends the text of the ix:continuation chain that
// starts at id, stopping at a cycle or when the text reaches the cap.
func (b *Builder) withContinuations(text, id string) string {
	visited := map[string]bool{}
	for id != "" && !visited[id] && len(text) < maxDisplayBytes {
		visited[id] = true
		c, ok := b.conts[id]
		if !ok {
			b.warn(fmt.Sprintf("ixbrl: continuation %q not found", id))
			break
		}
		if part := collapseSpace(c.text.String()); part != "" {
			text += " " + part
		}
		id = c.continuedAt
	}
	return strings.TrimSpace(text)
}

func unitString(u *unit) string {
	num := strings.Join(localNames(u.numerator), "*")
	if len(u.denominator) == 0 {
		return num
	}
	return num + "/" + strings.Join(localNames(u.denominator), "*")
}

// localNames strips the namespace prefix: iso4217:USD becomes USD.
func localNames(qnames []string) []string {
	out := make([]string, len(qnames))
	for i, q := range qnames {
		if j := strings.LastIndexByte(q, ':'); j >= 0 {
			q = q[j+1:]
		}
		out[i] = q
	}
	return out
}

func attr(attrs []html.Attribute, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// isNil reads xsi:nil under any prefix.
func isNil(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key == "nil" || strings.HasSuffix(a.Key, ":nil") {
			v := strings.TrimSpace(a.Val)
			return v == "true" || v == "1"
		}
	}
	return false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// trimSpan narrows [start, end) of text to exclude surrounding whitespace
// and clamps it to the text.
func trimSpan(text string, start, end int) (int, int) {
	start = min(max(start, 0), len(text))
	end = min(max(end, start), len(text))
	for start < end && isSpace(text[start]) {
		start++
	}
	for end > start && isSpace(text[end-1]) {
		end--
	}
	return start, end
}

// collapseSpace trims s and replaces each whitespace run, including
// non-breaking spaces, with one space.
func collapseSpace(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
	})
	return strings.Join(fields, " ")
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// factName names a fact in warnings: its id when it has one, its concept
// and the byte offset of its element.
func factName(f *schemas.Fact) string {
	if f.ID == "" {
		return fmt.Sprintf("fact %s at byte %d", f.Concept, f.SourceOffset)
	}
	return fmt.Sprintf("fact %s %s at byte %d", f.ID, f.Concept, f.SourceOffset)
}

// isoDate returns the date part of an xs:date or xs:dateTime value such as
// 2024-09-28 or 2024-09-28T00:00:00, and false when v is neither. An empty
// v is valid and stays empty.
func isoDate(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	date, _, _ := strings.Cut(v, "T")
	if _, err := time.Parse("2006-01-02", date); err != nil {
		return "", false
	}
	return date, true
}
