package text

import (
	"bytes"
	"html"
	"strings"
)

// blockTags end a line of text when they open or close.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "tr": true, "li": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "hr": true, "title": true, "center": true,
	"pre": true, "blockquote": true, "body": true, "html": true,
}

// maxTagLen bounds the search for the '>' that closes a tag. A longer run
// is kept as text.
const maxTagLen = 16 << 10

// stripHTML copies src[start:end] without tags, comments, scripts and
// styles, decoding entities and folding whitespace runs to their first byte.
func (b *builder) stripHTML(start, end int) {
	src := b.src[:end]
	i := start
	for i < end {
		c := src[i]
		switch {
		case c == '<':
			next, ok := b.skipTag(src, i)
			if ok {
				i = next
				continue
			}
			b.copy(i, i+1)
			i++
		case c == '&':
			semi := bytes.IndexByte(src[i:min(end, i+12)], ';')
			if semi > 1 {
				raw := string(src[i : i+semi+1])
				if dec := html.UnescapeString(raw); dec != raw {
					b.mapped(strings.ReplaceAll(dec, "\u00a0", " "), i)
					i += semi + 1
					continue
				}
			}
			b.copy(i, i+1)
			i++
		case isSpace(c):
			if !b.endsWith(' ') && !b.endsWith('\n') && len(b.text) > 0 {
				if c == '\n' || c == ' ' {
					b.addByte(c, i)
				} else {
					b.mapped(" ", i)
				}
			}
			i++
		default:
			j := i + 1
			for j < end && src[j] != '<' && src[j] != '&' && !isSpace(src[j]) {
				j++
			}
			b.copy(i, j)
			i = j
		}
	}
	b.endLine()
}

// skipTag skips the tag, comment or declaration at src[i] (a '<') and
// returns the offset after it, or false when src[i] does not start one.
func (b *builder) skipTag(src []byte, i int) (int, bool) {
	rest := src[i:]
	if bytes.HasPrefix(rest, []byte("<!--")) {
		j := bytes.Index(rest, []byte("-->"))
		if j < 0 {
			return len(src), true
		}
		return i + j + 3, true
	}
	if len(rest) < 2 || !(isLetter(rest[1]) || rest[1] == '/' || rest[1] == '!' || rest[1] == '?') {
		return 0, false
	}
	j := bytes.IndexByte(rest[:min(len(rest), maxTagLen)], '>')
	if j < 0 {
		return 0, false
	}
	name := tagName(rest[1:j])
	after := i + j + 1
	closing := rest[1] == '/'
	if !closing && (name == "script" || name == "style") {
		endTag := indexCloseTag(src[after:], name)
		if endTag < 0 {
			return len(src), true
		}
		k := bytes.IndexByte(src[after+endTag:], '>')
		if k < 0 {
			return len(src), true
		}
		return after + endTag + k + 1, true
	}
	switch {
	case blockTags[name]:
		b.endLine()
	case name == "td" || name == "th":
		if !closing && len(b.text) > 0 && !b.endsWith(' ') && !b.endsWith('\n') {
			b.insert(" ")
		}
	}
	return after, true
}

// indexCloseTag returns the offset in b of the first "</name", in any
// letter case, or -1.
func indexCloseTag(b []byte, name string) int {
	pattern := "</" + name
	for at := 0; ; {
		i := bytes.Index(b[at:], []byte("</"))
		if i < 0 {
			return -1
		}
		at += i
		if len(b)-at >= len(pattern) && strings.EqualFold(string(b[at:at+len(pattern)]), pattern) {
			return at
		}
		at += 2
	}
}

// tagName returns the lowercase element name of a tag body such as
// "/P class=x".
func tagName(body []byte) string {
	body = bytes.TrimLeft(body, "/!?")
	n := 0
	for n < len(body) && (isLetter(body[n]) || body[n] >= '0' && body[n] <= '9' || body[n] == ':' || body[n] == '-') {
		n++
	}
	return strings.ToLower(string(body[:n]))
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
