package clickhouse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// dateTimeLayout is the text form of DateTime that JSONEachRow input reads.
const dateTimeLayout = "2006-01-02 15:04:05"

// appendJSONEachRow appends row as one JSONEachRow line: an object with the
// table's columns in order, ending in a newline.
//
// Decimals are written as JSON numbers from their exact text, never through
// float64, because clickhouse-server 18.16 reads a Decimal from a JSON number
// but rejects a quoted string. Times are "YYYY-MM-DD hh:mm:ss" in UTC, which
// the DateTime('UTC') columns read as UTC whatever the server's time zone.
func appendJSONEachRow(buf *bytes.Buffer, t Table, row Row) error {
	if len(row) != len(t.Columns) {
		return fmt.Errorf("clickhouse: encode %s row: got %d values, want %d", t.Name, len(row), len(t.Columns))
	}
	buf.WriteByte('{')
	for i, c := range t.Columns {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(buf, c.Name)
		buf.WriteByte(':')
		if err := appendJSONValue(buf, row[i]); err != nil {
			return fmt.Errorf("clickhouse: encode %s.%s: %w", t.Name, c.Name, err)
		}
	}
	buf.WriteString("}\n")
	return nil
}

func appendJSONValue(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case string:
		writeJSONString(buf, v)
	case *string:
		if v == nil {
			buf.WriteString("null")
			return nil
		}
		if _, ok := canonicalDecimal(*v); !ok {
			return fmt.Errorf("invalid decimal %q", *v)
		}
		buf.WriteString(json.Number(*v).String())
	case costDecimal:
		if _, ok := canonicalDecimalScale(string(v), costScale); !ok {
			return fmt.Errorf("invalid decimal %q", string(v))
		}
		buf.WriteString(string(v))
	case int32:
		buf.WriteString(strconv.FormatInt(int64(v), 10))
	case int64:
		buf.WriteString(strconv.FormatInt(v, 10))
	case uint16:
		buf.WriteString(strconv.FormatUint(uint64(v), 10))
	case uint32:
		buf.WriteString(strconv.FormatUint(uint64(v), 10))
	case uint64:
		buf.WriteString(strconv.FormatUint(v, 10))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("float %v has no JSON form", v)
		}
		buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case []string:
		buf.WriteByte('[')
		for i, s := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, s)
		}
		buf.WriteByte(']')
	case time.Time:
		writeJSONString(buf, v.UTC().Format(dateTimeLayout))
	default:
		return fmt.Errorf("unsupported value type %T", v)
	}
	return nil
}

// writeJSONString writes s as a JSON string, escaping as encoding/json does
// without HTML escaping: quote, backslash and control characters, U+2028 and
// U+2029. Invalid UTF-8 bytes become U+FFFD.
func writeJSONString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[c>>4])
				buf.WriteByte(hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}
