package html

import (
	xhtml "golang.org/x/net/html"
)

// maxEntityName bounds the name of a named character reference; the
// longest HTML name is 31 bytes (CounterClockwiseContourIntegral).
const maxEntityName = 32

// maxEntityDigits bounds a numeric character reference; seven hex digits
// already exceed U+10FFFF.
const maxEntityDigits = 10

// entity decodes the character reference at the start of s, which begins
// with '&'. It returns the decoded text and the number of bytes of s it
// used, or ("", 0) when s does not start a reference, in which case the
// '&' is literal text. Decoding follows golang.org/x/net/html, which
// applies the HTML rules for numeric references (windows-1252 for
// &#128;-&#159;, U+FFFD for invalid code points).
func entity(s []byte) (string, int) {
	if len(s) < 2 {
		return "", 0
	}
	if s[1] == '#' {
		i := 2
		hex := false
		if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
			hex = true
			i++
		}
		start := i
		for i < len(s) && i-start < maxEntityDigits && isDigit(s[i], hex) {
			i++
		}
		if i == start {
			return "", 0
		}
		if i < len(s) && s[i] == ';' {
			i++
		}
		return xhtml.UnescapeString(string(s[:i])), i
	}

	i := 1
	for i < len(s) && i-1 < maxEntityName && isAlnum(s[i]) {
		i++
	}
	name := s[1:i]
	if len(name) == 0 {
		return "", 0
	}
	if i < len(s) && s[i] == ';' {
		ref := string(s[:i+1])
		if d := xhtml.UnescapeString(ref); d != ref {
			return d, i + 1
		}
	}
	// Legacy references such as "&amp" or "&nbsp" need no semicolon; take
	// the longest prefix of the name that is one.
	for k := len(name); k >= 2; k-- {
		ref := "&" + string(name[:k])
		if d := xhtml.UnescapeString(ref); d != ref && !hasASCIIAlnum(d) {
			return d, k + 1
		}
	}
	return "", 0
}

func isDigit(c byte, hex bool) bool {
	if c >= '0' && c <= '9' {
		return true
	}
	return hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hasASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if isAlnum(s[i]) {
			return true
		}
	}
	return false
}
