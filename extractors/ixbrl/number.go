package ixbrl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/finx-dev/finx/extractors/numfmt"
)

// Transform converts the printed text of an ix:nonFraction into an
// xs:decimal lexical value without a sign, following the inline XBRL
// transformation named by format (for example "ixt:num-dot-decimal").
// The prefix of format is ignored, so the registry versions that share a
// local name (ixt TR4 and TR5, ixt-sec) are read alike. An empty format
// means the text must already be a decimal such as "1234.5".
func Transform(format, display string) (string, error) {
	local := format
	if i := strings.LastIndexByte(local, ':'); i >= 0 {
		local = local[i+1:]
	}
	text := strings.TrimSpace(strings.ReplaceAll(display, "\u00a0", " "))

	switch local {
	case "":
		return plainDecimal(text)
	case "num-dot-decimal", "numdotdecimal", "numcommadot", "num-dot-decimal-apos":
		return groupedDecimal(text, '.', ",  '’")
	case "num-comma-decimal", "numcommadecimal", "numdotcomma", "num-comma-decimal-apos":
		return groupedDecimal(text, ',', ". '’")
	case "numspacedot":
		return groupedDecimal(text, '.', " ")
	case "numspacecomma":
		return groupedDecimal(text, ',', " ")
	case "fixed-zero", "zerodash", "numdash", "fixedzero":
		return "0", nil
	case "numwordsen", "num-word-en":
		return wordsNumber(text)
	case "num-unit-decimal", "numunitdecimal":
		return unitDecimal(text)
	}
	return "", fmt.Errorf("%w: %q", ErrUnsupportedFormat, format)
}

// plainDecimal checks an xs:decimal without a sign: digits with at most one
// decimal point.
func plainDecimal(text string) (string, error) {
	return groupedDecimal(text, '.', "")
}

// groupedDecimal removes the group separators listed in groups and reads
// point as the decimal separator, through numfmt.ParseGrouped. It returns
// the canonical decimal with '.' as the decimal point.
func groupedDecimal(text string, point rune, groups string) (string, error) {
	dec, err := numfmt.ParseGrouped(text, point, groups)
	if errors.Is(err, numfmt.ErrEmpty) {
		return "", fmt.Errorf("%w: empty text", ErrInvalidNumber)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidNumber, err)
	}
	return dec, nil
}

// unitDecimal reads "5 dollars and 25 cents" style text: the first digit
// group is the integer part and the second, if any, the fraction.
func unitDecimal(text string) (string, error) {
	var parts []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9':
			cur.WriteRune(r)
		case r == ',' && cur.Len() > 0 && len(parts) == 0:
			// A comma between digits of the integer part groups thousands.
		default:
			flush()
		}
	}
	flush()
	switch len(parts) {
	case 1:
		return parts[0], nil
	case 2:
		return parts[0] + "." + parts[1], nil
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidNumber, text)
}

var smallNumbers = map[string]int64{
	"no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4,
	"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90,
}

// maxWordsValue bounds numbers in words so that repeated "hundred" or
// "billion" cannot overflow int64; filings spell out only small counts.
const maxWordsValue = 1_000_000_000_000

var largeNumbers = map[string]int64{
	"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
}

// wordsNumber reads an English number in words, such as "two", "twenty-one",
// "one hundred five" or "no", as ixt-sec:numwordsen defines. Digits are
// accepted as well, so that a figure such as "3" tagged with this format
// still reads.
func wordsNumber(text string) (string, error) {
	lower := strings.ToLower(text)
	if s, err := plainDecimal(strings.ReplaceAll(lower, ",", "")); err == nil {
		return s, nil
	}
	fields := strings.FieldsFunc(lower, func(r rune) bool {
		return r == ' ' || r == '-' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 || len(fields) > 20 {
		return "", fmt.Errorf("%w: %q", ErrInvalidNumber, text)
	}
	var total, group int64
	seen := false
	for _, w := range fields {
		if w == "and" {
			continue
		}
		if v, ok := smallNumbers[w]; ok {
			group += v
			seen = true
			continue
		}
		if group > maxWordsValue || total > maxWordsValue {
			return "", fmt.Errorf("%w: %q is too large", ErrInvalidNumber, text)
		}
		if w == "hundred" {
			if group == 0 {
				group = 1
			}
			group *= 100
			seen = true
			continue
		}
		if v, ok := largeNumbers[w]; ok {
			if group == 0 {
				group = 1
			}
			total += group * v
			group = 0
			seen = true
			continue
		}
		return "", fmt.Errorf("%w: %q is not a number word", ErrInvalidNumber, w)
	}
	if !seen {
		return "", fmt.Errorf("%w: %q", ErrInvalidNumber, text)
	}
	return fmt.Sprint(total + group), nil
}

// Scale returns the decimal dec multiplied by 10^scale, with a leading '-'
// when negative is set and the value is not zero. dec is an unsigned
// xs:decimal ("1234", "0.5", "12."). The result is exact: numfmt.Shift
// moves the decimal point in the string, no floating point is involved.
// Leading zeros and trailing fraction zeros are removed, so "391,035" at
// scale 6 becomes "391035000000" and "6.08" at scale 0 stays "6.08".
func Scale(dec string, scale int, negative bool) (string, error) {
	if dec == "" {
		return "", fmt.Errorf("%w: empty decimal", ErrInvalidNumber)
	}
	if scale > maxScale || scale < -maxScale {
		return "", fmt.Errorf("%w: scale %d outside ±%d", ErrInvalidNumber, scale, maxScale)
	}
	if dec[0] == '-' || dec[0] == '+' {
		return "", fmt.Errorf("%w: %q has a sign; the sign attribute carries it", ErrInvalidNumber, dec)
	}
	if negative {
		dec = "-" + dec
	}
	out, err := numfmt.Shift(dec, scale)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidNumber, err)
	}
	return out, nil
}

// maxScale bounds the scale attribute. The four corpus inline XBRL filings
// use -2, 0, 3, 6 and 9. The bound keeps a hostile scale="1000000000" from
// allocating a billion zeros.
const maxScale = numfmt.MaxExponent
