package pdf

import (
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/charmap"
)

// font is the part of a font dictionary that the interpreter reads: the
// length of character codes, the text and advance width of each code, and
// the weight and style of the face.
type font struct {
	name      string
	bold      bool
	italic    bool
	composite bool // Type0: multi-byte codes, CID widths
	cmap      *toUnicode
	// enc is the library's decoding, used when there is no ToUnicode entry
	// for a code.
	enc pdf.TextEncoding
	// base and differences replace enc for simple fonts whose /Encoding is a
	// dictionary, because the library ignores /BaseEncoding there.
	base        *charmap.Charmap
	differences map[byte]bool
	// noUnicode is set for a composite font without ToUnicode, whose codes
	// are glyph ids that cannot be mapped to text.
	noUnicode bool

	firstChar int
	widths    []float64 // simple fonts, in 1/1000 text space units
	cidWidths map[int]float64
	// defaultWidth applies to codes without a width entry.
	defaultWidth float64
	// widthScale and sizeScale convert Type 3 glyph space, set by
	// /FontMatrix, to the 1/1000 em units of other fonts. Both are 1 for
	// other font types.
	widthScale, sizeScale float64

	// The text of each code, cleaned by cleanGlyph, is decoded once.
	byteText   [256]string
	byteCached [256]bool
	codeText   map[string]string
}

// fallbackWidth is the advance, in 1/1000 em, assumed for glyphs of fonts
// without width information (the standard 14 fonts written without /Widths).
const fallbackWidth = 500

// maxCIDWidths bounds the entries read from a /W array.
const maxCIDWidths = 100_000

// loadFont reads a font dictionary. fetch returns the same dictionary freshly
// resolved, for use as CMap scratch space.
func loadFont(v pdf.Value, fetch func() pdf.Value) *font {
	f := &font{name: v.Key("BaseFont").Name(), widthScale: 1, sizeScale: 1}
	if i := strings.IndexByte(f.name, '+'); i >= 0 {
		f.name = f.name[i+1:]
	}
	lib := pdf.Font{V: v}
	f.enc = lib.Encoder()
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.cmap = readToUnicode(tu, fetch)
	}

	descriptor := v.Key("FontDescriptor")
	if v.Key("Subtype").Name() == "Type0" {
		f.composite = true
		desc := v.Key("DescendantFonts").Index(0)
		descriptor = desc.Key("FontDescriptor")
		f.defaultWidth = 1000
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defaultWidth = dw.Float64()
		}
		f.cidWidths = readCIDWidths(desc.Key("W"))
		if f.cmap == nil {
			switch v.Key("Encoding").Name() {
			case "Identity-H", "Identity-V", "":
				f.noUnicode = true
			}
		}
	} else {
		f.firstChar = int(v.Key("FirstChar").Int64())
		w := v.Key("Widths")
		for i := 0; i < w.Len() && i < 256; i++ {
			f.widths = append(f.widths, w.Index(i).Float64())
		}
		f.defaultWidth = descriptor.Key("MissingWidth").Float64()
		if len(f.widths) == 0 {
			f.defaultWidth = fallbackWidth
		}
		if enc := v.Key("Encoding"); enc.Kind() == pdf.Dict {
			f.base = baseEncoding(enc.Key("BaseEncoding").Name())
			f.differences = readDifferences(enc.Key("Differences"))
		}
	}
	if v.Key("Subtype").Name() == "Type3" {
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() > 0 && m.Index(3).Float64() > 0 {
			f.widthScale = m.Index(0).Float64() * 1000
			f.sizeScale = m.Index(3).Float64() * 1000
		}
		if f.name == "" {
			f.name = "Type3"
		}
	}
	f.bold = isBold(f.name, descriptor)
	f.italic = isItalic(f.name, descriptor)
	return f
}

// isBold guesses the weight from the font name, then the descriptor's
// FontWeight and its ForceBold flag (bit 19 of /Flags).
func isBold(name string, descriptor pdf.Value) bool {
	lower := strings.ToLower(name)
	for _, mark := range []string{"bold", "black", "heavy", "semibold", "demi", ",b", "-bd", "-hv"} {
		if strings.Contains(lower, mark) {
			return true
		}
	}
	if descriptor.Key("FontWeight").Float64() >= 600 {
		return true
	}
	return descriptor.Key("Flags").Int64()&(1<<18) != 0
}

// isItalic reads the style from the font name, then the descriptor's
// Italic flag (bit 7 of /Flags) and ItalicAngle.
func isItalic(name string, descriptor pdf.Value) bool {
	lower := strings.ToLower(name)
	if strings.Contains(lower, "italic") || strings.Contains(lower, "oblique") || strings.HasSuffix(lower, ",i") || strings.HasSuffix(lower, ",bi") {
		return true
	}
	return descriptor.Key("Flags").Int64()&(1<<6) != 0 || descriptor.Key("ItalicAngle").Float64() != 0
}

func baseEncoding(name string) *charmap.Charmap {
	if name == "MacRomanEncoding" {
		return charmap.Macintosh
	}
	// WinAnsiEncoding, and an approximation of StandardEncoding, which
	// agrees with it on letters, digits and most punctuation.
	return charmap.Windows1252
}

func readDifferences(d pdf.Value) map[byte]bool {
	out := make(map[byte]bool)
	code := -1
	for i := 0; i < d.Len() && i < 1024; i++ {
		x := d.Index(i)
		switch x.Kind() {
		case pdf.Integer:
			code = int(x.Int64())
		case pdf.Name:
			if code >= 0 && code < 256 {
				out[byte(code)] = true
			}
			code++
		}
	}
	return out
}

// readCIDWidths reads a CIDFont /W array: "c [w1 w2 ...]" gives widths from
// c on, and "c1 c2 w" gives one width to the range.
func readCIDWidths(w pdf.Value) map[int]float64 {
	out := make(map[int]float64)
	for i := 0; i < w.Len() && len(out) < maxCIDWidths; {
		first := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(out) < maxCIDWidths; j++ {
				out[first+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for c := first; c <= last && len(out) < maxCIDWidths; c++ {
			out[c] = width
		}
		i += 3
	}
	return out
}

// nextCode returns the length of the character code at the start of raw.
func (f *font) nextCode(raw string) int {
	if !f.composite {
		return 1
	}
	if f.cmap != nil && f.cmap.hasSpace() {
		return max(1, f.cmap.codeLen(raw, 2))
	}
	return min(2, len(raw))
}

// width returns the advance of a code in 1/1000 text space units.
func (f *font) width(code string) float64 {
	return f.rawWidth(code) * f.widthScale
}

// rawWidth returns the advance of a code in the font's own units.
func (f *font) rawWidth(code string) float64 {
	if f.composite {
		if w, ok := f.cidWidths[codeValue(code)]; ok {
			return w
		}
		return f.defaultWidth
	}
	i := int(code[0]) - f.firstChar
	if i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i]
	}
	if f.defaultWidth > 0 {
		return f.defaultWidth
	}
	return fallbackWidth
}

// text returns the cleaned Unicode text of one character code.
func (f *font) text(code string) string {
	if len(code) == 1 {
		c := code[0]
		if !f.byteCached[c] {
			f.byteText[c] = cleanGlyph(f.decode(code))
			f.byteCached[c] = true
		}
		return f.byteText[c]
	}
	if s, ok := f.codeText[code]; ok {
		return s
	}
	if f.codeText == nil {
		f.codeText = make(map[string]string)
	}
	s := cleanGlyph(f.decode(code))
	f.codeText[code] = s
	return s
}

// decode maps one character code to Unicode: the ToUnicode CMap first, then
// the font's encoding.
func (f *font) decode(code string) string {
	if f.cmap != nil {
		if s, ok := f.cmap.lookup(code); ok {
			return s
		}
	}
	if f.noUnicode {
		return ""
	}
	if !f.composite && f.base != nil && !f.differences[code[0]] {
		return string(f.base.DecodeByte(code[0]))
	}
	s := f.enc.Decode(code)
	if !utf8.ValidString(s) {
		// The library's pass-through decoder returns raw bytes, which are
		// read as Latin-1.
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteRune(rune(s[i]))
		}
		return b.String()
	}
	return s
}
