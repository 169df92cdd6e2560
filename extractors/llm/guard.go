package llm

import (
	"regexp"
	"strings"

	"github.com/finx-dev/finx/extractors/passes"
)

// instructionRe matches a line of filing text that addresses a language
// model instead of an investor: a chat role prefix, or a request to ignore
// the rules or to report nothing. Filings do not print such lines, so a
// model that quotes one has most likely followed a planted instruction.
var instructionRe = regexp.MustCompile(`(?i)^\s*(system|assistant|developer|user)\s*:|` +
	`\bignore\s+(all\s+|any\s+)?(of\s+)?(the\s+)?(above|previous|prior|preceding|earlier)\b|` +
	`\b(disregard|forget)\s+(all\s+|the\s+)?(above|previous|prior)\b|` +
	`\b(report|return|output|list)\s+(no|zero)\s+(risks?|risk factors|items|metrics|guidance)\b|` +
	`\byou\s+are\s+(an?\s+)?(ai|assistant|language model|llm)\b|` +
	`\b(new|updated)\s+instructions\b`)

// dropInstructions removes the candidates whose quote lies on a line of its
// chunk that instructionRe matches, and returns how many it removed. A
// candidate whose quote is not found verbatim in its chunk is kept for the
// citation check, which rejects or locates it.
func dropInstructions(resp *passes.Response, chunks []passes.Chunk) int {
	dropped := 0
	keep := func(h passes.Hint, quote string) bool {
		if h.Chunk < 0 || h.Chunk >= len(chunks) || quote == "" {
			return true
		}
		if quotesInstruction(chunks[h.Chunk].Text, quote) {
			dropped++
			return false
		}
		return true
	}
	risks := resp.Risks[:0]
	for _, c := range resp.Risks {
		if keep(c.Hint, c.Quote) {
			risks = append(risks, c)
		}
	}
	resp.Risks = risks
	metrics := resp.Metrics[:0]
	for _, c := range resp.Metrics {
		if keep(c.Hint, c.Quote) {
			metrics = append(metrics, c)
		}
	}
	resp.Metrics = metrics
	guidance := resp.Guidance[:0]
	for _, c := range resp.Guidance {
		if keep(c.Hint, c.Quote) {
			guidance = append(guidance, c)
		}
	}
	resp.Guidance = guidance
	return dropped
}

// quotesInstruction reports whether a line holding an occurrence of quote
// in text matches instructionRe.
func quotesInstruction(text, quote string) bool {
	for off := 0; ; {
		i := strings.Index(text[off:], quote)
		if i < 0 {
			return false
		}
		start := off + i
		end := start + len(quote)
		lineStart := strings.LastIndexByte(text[:start], '\n') + 1
		lineEnd := len(text)
		if j := strings.IndexByte(text[end:], '\n'); j >= 0 {
			lineEnd = end + j
		}
		for _, line := range strings.Split(text[lineStart:lineEnd], "\n") {
			if instructionRe.MatchString(line) {
				return true
			}
		}
		off = end
	}
}
