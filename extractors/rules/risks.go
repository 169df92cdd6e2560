package rules

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/finx-dev/finx/extractors/passes"
)

// Limits of a risk heading, in bytes and words.
const (
	maxHeading      = 600
	minHeadingWords = 3
	// reviewHeading is the length in bytes above which a heading is
	// needs_review: without bold or italics in the parsed text, so long a
	// line is as often a one-sentence body paragraph as a heading.
	reviewHeading = 400
)

var (
	bulletRe = regexp.MustCompile(`^[*•●▪◦‣·-]\s*`)
	itemRe   = regexp.MustCompile(`(?i)^(part\s+[iv]+\W*)?item\s*\d`)
	// sentenceEndRe finds a sentence end inside a line: a period followed by
	// a space or directly by a capital letter, which PDF text produces when
	// it drops the space ("conditions.The Company").
	sentenceEndRe = regexp.MustCompile(`[.!?][”"’]?(?:\s+|)[A-Z“"]`)
	skipHeadingRe = regexp.MustCompile(`(?i)^(table of contents|risk factors|index|page \d+|\d+)$|^index to (consolidated )?financial statements$|\|\s*\d{1,3}$|form 10-[kq]\b.*\b\d{1,3}$`)
	// groupTitleRe matches the titles over a group of risks, such as
	// "Risks Related to Our Stock Ownership".
	// continuationRe matches the openings of a sentence that continues the
	// paragraph before it ("Such events ...", "While the Company ..."),
	// which a risk heading never does.
	continuationRe = regexp.MustCompile(`^(?:Such|These|This|Those|Although|While|However|Additionally|In addition|Further|Furthermore|Moreover|Also|For example|As a result|Accordingly|Similarly|Likewise)\b|^(?:\S+\s+){1,4}also\b`)
	// introRe matches the introduction of a risk factor section, which
	// refers to the section or to the annual report.
	introRe = regexp.MustCompile(`(?i)\bitem 1a\b|\brisk factors (?:listed|described|set forth|discussed|below)`)
	// sectionTitleRe matches titles that only group risks: "Risks Related
	// to Our Business", "Macroeconomic and Industry Risks", "Business and
	// Operating Risks". Unlike groupTitleRe it does not match a risk such as
	// "We Face Risks Related to System Interruption".
	sectionTitleRe = regexp.MustCompile(`^(?:General |Other )?Risks? (?:Related|Relating|Associated) (?:to|with) [^.]{1,60}$|^(?:[A-Z][a-z]+,? (?:and |& )?){1,5}Risks$|^General Risk Factors$`)
	groupTitleRe   = regexp.MustCompile(`(?i)^(?:[a-z,&’' ]+ )?risks? (?:related|relating|associated) (?:to|with)\b|^(?:[a-z,&’' ]+ )?risks$`)
)

// findRisks returns heading candidates. The primary pass takes standalone
// heading lines. The recall pass takes, at lower confidence, the first
// sentences of bulleted paragraphs and the sub-section titles that have no
// sentence shape.
func findRisks(ctx context.Context, req passes.Request, known map[string]bool) []passes.RiskCandidate {
	var out []passes.RiskCandidate
	text := req.Document.Text
	for ci, c := range req.Chunks {
		if ctx.Err() != nil {
			return out
		}
		lines := splitLines(c.Text, c.Offset)
		width := lineWidth(lines)
		lastHeading := -2
		for i, ln := range lines {
			if stopped(ctx, i+1) {
				return out
			}
			prevEnds := true
			if i > 0 {
				prevEnds = endsParagraph(lines[i-1].Text, width)
			} else if ln.Start > 0 {
				prevEnds = endsBefore(text, ln.Start)
			}
			if !prevEnds || itemRe.MatchString(ln.Text) || skipHeadingRe.MatchString(ln.Text) {
				continue
			}
			var cand passes.RiskCandidate
			var ok bool
			if req.Pass == passes.PassPrimary {
				cand, ok = headingLine(lines, i, width)
				if ok && (lastHeading == i-1 || continuationRe.MatchString(ln.Text) || introRe.MatchString(ln.Text)) {
					// A heading is never followed by another one-sentence
					// line that is not a sub-title: the second line starts
					// the body.
					ok = false
				}
				if ok {
					lastHeading = i
				}
			} else {
				cand, ok = bulletHeading(lines, i)
				if !ok {
					cand, ok = titleLine(lines, i, width)
				}
				if ok && sectionTitleRe.MatchString(cand.Quote) {
					// A group title names no risk of its own.
					ok = false
				}
			}
			if ok && len(cand.Quote) > reviewHeading {
				cand.Confidence = min(cand.Confidence, 0.45)
			}
			if !ok || known[collapse(cand.Quote)] {
				continue
			}
			cand.Hint = passes.Hint{Chunk: ci, Offset: cand.Offset}
			body := firstParagraph(text, cand.Offset+len(cand.Quote))
			classify(&cand, body)
			out = append(out, cand)
		}
	}
	return out
}

// lineWidth estimates the full line width of a chunk in bytes: the 90th
// percentile of line lengths. PDF text wraps at that width, so a shorter
// line ends a paragraph.
func lineWidth(lines []line) int {
	if len(lines) == 0 {
		return 0
	}
	ls := make([]int, len(lines))
	for i, l := range lines {
		ls[i] = len(l.Text)
	}
	sort.Ints(ls)
	return ls[len(ls)*9/10]
}

// endsParagraph reports whether a line ends a paragraph: it ends a
// sentence or a heading, or it is clearly shorter than the wrap width.
func endsParagraph(t string, width int) bool {
	if strings.HasSuffix(t, ",") || strings.HasSuffix(t, ";") {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	switch last {
	case '.', ':', '!', '?', '”', '"', ')':
		return true
	}
	return len(t) < width*3/4
}

// endsBefore reports whether the text before off ends a sentence, for the
// first line of a chunk.
func endsBefore(text string, off int) bool {
	prev := strings.TrimRightFunc(text[:off], unicode.IsSpace)
	if prev == "" {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	return strings.ContainsRune(".:!?”\")", last) || strings.HasSuffix(prev, "Risk Factors")
}

// isSentenceLike reports whether t is one sentence or one title of at least
// minHeadingWords words that starts with a capital letter.
func isSentenceLike(t string) bool {
	if len(t) > maxHeading || len(strings.Fields(t)) < minHeadingWords {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) && r != '“' && r != '"' {
		return false
	}
	if strings.HasSuffix(t, ":") {
		// "... including the following:" opens a list in the body.
		return false
	}
	body := strings.TrimRight(t, ".!?”\" ")
	return firstSentenceEnd(body) == nil
}

// isBody reports whether the line after a heading starts body text: longer
// than the heading, or a full-width wrapped line.
func isBody(next, heading string, width int) bool {
	r, _ := utf8.DecodeRuneInString(next)
	if unicode.IsLower(r) {
		return false
	}
	return len(next) > len(heading)*6/5 || (len(next) >= width*9/10 && len(next) > 60)
}

// headingLine takes line i as a heading when it is one sentence or title
// that ends its paragraph and body text follows. A title without a final
// period that another heading follows is a sub-section title, left to the
// recall pass.
//
// NOTE: the parsed text carries no bold or italics, so a one-sentence body
// paragraph followed by a longer one also passes as a heading.
func headingLine(lines []line, i, width int) (passes.RiskCandidate, bool) {
	ln := lines[i]
	if bulletRe.MatchString(ln.Text) || i+1 >= len(lines) || !isSentenceLike(ln.Text) || !endsParagraph(ln.Text, width) {
		return passes.RiskCandidate{}, false
	}
	if !isBody(lines[i+1].Text, ln.Text, width) {
		return passes.RiskCandidate{}, false
	}
	sentence := strings.HasSuffix(ln.Text, ".")
	if !sentence && (isSubTitle(lines, i, width) || groupTitleRe.MatchString(ln.Text)) {
		return passes.RiskCandidate{}, false
	}
	conf := 0.8
	if !sentence {
		conf = 0.65
	}
	return passes.RiskCandidate{Quote: ln.Text, Hint: passes.Hint{Offset: ln.Start}, Confidence: conf}, true
}

// isSubTitle reports whether line i is a title over a group of risks: the
// next line is itself a one-sentence heading followed by body text.
func isSubTitle(lines []line, i, width int) bool {
	if i+2 >= len(lines) {
		return false
	}
	next := lines[i+1].Text
	return strings.HasSuffix(next, ".") && isSentenceLike(next) && isBody(lines[i+2].Text, next, width)
}

// titleLine returns a sub-section title as a low-confidence candidate.
func titleLine(lines []line, i, width int) (passes.RiskCandidate, bool) {
	ln := lines[i]
	if strings.HasSuffix(ln.Text, ".") || !isSentenceLike(ln.Text) || !(isSubTitle(lines, i, width) || groupTitleRe.MatchString(ln.Text)) {
		return passes.RiskCandidate{}, false
	}
	return passes.RiskCandidate{Quote: ln.Text, Hint: passes.Hint{Offset: ln.Start}, Confidence: 0.3}, true
}

// bulletHeading takes the first sentence of a bulleted paragraph, as in
// "* Change in the Company's credit ratings could increase cost of
// funding. The Company's credit ratings are ...".
func bulletHeading(lines []line, i int) (passes.RiskCandidate, bool) {
	ln := lines[i]
	m := bulletRe.FindString(ln.Text)
	if m == "" {
		return passes.RiskCandidate{}, false
	}
	rest := ln.Text[len(m):]
	start := ln.Start + len(m)
	// The sentence may wrap onto the next lines of a PDF.
	para := rest
	for j := i + 1; j < len(lines) && j <= i+4 && len(para) < maxHeading; j++ {
		if bulletRe.MatchString(lines[j].Text) {
			break
		}
		para += "\n" + lines[j].Text
	}
	loc := firstSentenceEnd(para)
	if loc == nil {
		return passes.RiskCandidate{}, false
	}
	end := loc[0] + 1
	if end < len(para) && strings.ContainsRune("”\"’", rune(para[end])) {
		end++
	}
	quote := para[:end]
	// A wrapped sentence was joined from trimmed lines, so it may differ
	// from the text in whitespace. Collapse it, because the citation check
	// matches it after normalising whitespace.
	if strings.Contains(quote, "\n") {
		quote = strings.Join(strings.Fields(quote), " ")
	}
	if !isSentenceLike(quote) {
		return passes.RiskCandidate{}, false
	}
	return passes.RiskCandidate{Quote: quote, Hint: passes.Hint{Offset: start}, Confidence: 0.6}, true
}

// firstSentenceEnd returns the first match of sentenceEndRe in s that does
// not end an initial such as the "U." of "U.S.", or nil.
func firstSentenceEnd(s string) []int {
	for _, loc := range sentenceEndRe.FindAllStringIndex(s, -1) {
		if loc[0] >= 1 && isInitial(s, loc[0]) {
			continue
		}
		return loc
	}
	return nil
}

// isInitial reports whether the period at s[dot] follows a lone capital
// letter, as in "U.S." or "J. Smith".
func isInitial(s string, dot int) bool {
	c := s[dot-1]
	if c < 'A' || c > 'Z' {
		return false
	}
	return dot == 1 || !unicode.IsLetter(rune(s[dot-2]))
}

// firstParagraph returns the body text after a heading that ends at off: the
// rest of its line and the next line, at most 1500 bytes, so that the words
// of the next risk do not set this one's severity.
func firstParagraph(text string, off int) string {
	off = min(off, len(text))
	end := min(off+1500, len(text))
	window := text[off:end]
	first := strings.IndexByte(window, '\n')
	if first < 0 {
		return window
	}
	rest := strings.TrimLeft(window[first+1:], " \t\n\f")
	skipped := len(window[first+1:]) - len(rest)
	if second := strings.IndexByte(rest, '\n'); second >= 0 {
		return window[:first+1+skipped+second]
	}
	return window
}
