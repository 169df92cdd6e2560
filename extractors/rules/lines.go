package rules

import (
	"strings"
	"unicode"
)

// line is a trimmed line of a chunk; Start and End are byte offsets in
// Document.Text.
type line struct {
	Start, End int
	Text       string
}

// splitLines cuts text, which starts at byte offset base of Document.Text,
// at "\n" and "\f", dropping blank lines.
func splitLines(text string, base int) []line {
	var out []line
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '\n' && text[i] != '\f' {
			continue
		}
		raw := text[start:i]
		t := strings.TrimLeftFunc(raw, unicode.IsSpace)
		s := start + len(raw) - len(t)
		t = strings.TrimRightFunc(t, unicode.IsSpace)
		if t != "" {
			out = append(out, line{Start: base + s, End: base + s + len(t), Text: t})
		}
		start = i + 1
	}
	return out
}
