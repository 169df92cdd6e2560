package pdf

import (
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// toUnicode is a parsed ToUnicode CMap: the code space, which sets how many
// bytes each character code takes, and the code-to-text mappings.
type toUnicode struct {
	// spaces[n-1] holds the code-space ranges of n-byte codes.
	spaces [4][]codeRange
	chars  map[string]string
	ranges []bfRange
}

type codeRange struct{ low, high string }

type bfRange struct {
	low, high string
	// dst is the text of low; later codes increment its last UTF-16 unit.
	dst string
	// list holds one text per code when the range maps to an array.
	list []string
}

// maxCMapEntries bounds the mappings read from one CMap, so that a forged
// count cannot make the parser allocate without limit. A CMap for a CJK font
// can hold tens of thousands of entries.
const maxCMapEntries = 200_000

// readToUnicode parses a ToUnicode CMap stream with the library's PostScript
// interpreter. It returns nil when the stream holds no mappings.
//
// The CMap prologue "/CIDInit /ProcSet findresource begin" needs a dictionary
// on the stack, and the library offers no constructor for one, so scratch
// must return a freshly resolved dictionary that the CMap's def operators
// may write into. A panic late in the stream, such as an unbalanced end,
// keeps the mappings read so far.
func readToUnicode(strm pdf.Value, scratch func() pdf.Value) (m *toUnicode) {
	m = &toUnicode{chars: make(map[string]string)}
	defer func() {
		if recover() != nil && len(m.chars) == 0 && len(m.ranges) == 0 {
			m = nil
		}
	}()
	entries := 0
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(scratch())
		case "endcodespacerange":
			for stk.Len() >= 2 && entries < maxCMapEntries {
				hi, lo := stk.Pop(), stk.Pop()
				l, h := lo.RawString(), hi.RawString()
				if lo.Kind() != pdf.String || len(l) == 0 || len(l) != len(h) || len(l) > 4 {
					break
				}
				m.spaces[len(l)-1] = append(m.spaces[len(l)-1], codeRange{l, h})
				entries++
			}
		case "endbfchar":
			for stk.Len() >= 2 && entries < maxCMapEntries {
				dst, src := stk.Pop(), stk.Pop()
				if src.Kind() != pdf.String || dst.Kind() != pdf.String {
					break
				}
				m.chars[src.RawString()] = decodeUTF16(dst.RawString())
				entries++
			}
		case "endbfrange":
			for stk.Len() >= 3 && entries < maxCMapEntries {
				dst, hi, lo := stk.Pop(), stk.Pop(), stk.Pop()
				if lo.Kind() != pdf.String || hi.Kind() != pdf.String {
					break
				}
				r := bfRange{low: lo.RawString(), high: hi.RawString()}
				switch dst.Kind() {
				case pdf.String:
					r.dst = dst.RawString()
				case pdf.Array:
					for i := 0; i < dst.Len() && i < maxCMapEntries; i++ {
						r.list = append(r.list, decodeUTF16(dst.Index(i).RawString()))
					}
				default:
					continue
				}
				if len(r.low) == 0 || len(r.low) != len(r.high) {
					continue
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
		default:
			// Other operators (begincmap, usecmap and so on) leave operands
			// on the stack. Clearing it lets each end* handler see only its
			// own entries.
			if op != "begincodespacerange" && op != "beginbfchar" && op != "beginbfrange" {
				for stk.Len() > 0 {
					stk.Pop()
				}
			} else if stk.Len() > 0 {
				stk.Pop() // the entry count
			}
		}
	})
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

// codeLen returns the byte length of the code at the start of raw, from the
// code space, or def when no range matches.
func (m *toUnicode) codeLen(raw string, def int) int {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		for _, r := range m.spaces[n-1] {
			if r.low <= raw[:n] && raw[:n] <= r.high {
				return n
			}
		}
	}
	return min(def, len(raw))
}

// hasSpace reports whether any code-space range was declared.
func (m *toUnicode) hasSpace() bool {
	for _, s := range m.spaces {
		if len(s) > 0 {
			return true
		}
	}
	return false
}

// lookup maps one code to its text.
func (m *toUnicode) lookup(code string) (string, bool) {
	if s, ok := m.chars[code]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if len(r.low) != len(code) || code < r.low || code > r.high {
			continue
		}
		off := codeValue(code) - codeValue(r.low)
		if r.list != nil {
			if off < len(r.list) {
				return r.list[off], true
			}
			return "", false
		}
		u := utf16Units(r.dst)
		if len(u) == 0 {
			return "", false
		}
		u[len(u)-1] += uint16(off)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

func codeValue(code string) int {
	v := 0
	for i := 0; i < len(code); i++ {
		v = v<<8 | int(code[i])
	}
	return v
}

func utf16Units(s string) []uint16 {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return u
}

// decodeUTF16 decodes a big-endian UTF-16 string as used in CMap targets.
// A one-byte target, which some producers write, is taken as Latin-1.
func decodeUTF16(s string) string {
	if len(s) == 1 {
		return string(rune(s[0]))
	}
	return string(utf16.Decode(utf16Units(s)))
}
