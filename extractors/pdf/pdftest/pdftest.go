// Package pdftest writes small, valid PDF files for tests and fixtures:
// uncompressed or Flate-compressed content streams, standard 14 fonts with
// optional /Widths, and Type0 fonts with Identity-H encoding and a ToUnicode
// CMap. The output has a classic cross-reference table with exact offsets,
// so poppler and github.com/ledongthuc/pdf both read it.
//
// Usage:
//
//	doc := pdftest.Doc{
//		Fonts: []pdftest.Font{{Name: "F1", BaseFont: "Helvetica"}},
//		Pages: []string{pdftest.Line("F1", 12, 72, 720, "Hello")},
//	}
//	data := doc.Bytes()
package pdftest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
)

// Doc is a PDF document to write.
type Doc struct {
	// Fonts are available to every page under their Name.
	Fonts []Font
	// Pages are the content streams, one per page. An empty string makes a
	// page without content.
	Pages []string
	// Compress writes content streams with FlateDecode.
	Compress bool
	// Title, when set, goes into the document information dictionary.
	Title string
	// Forms are form XObjects available to every page under their Name,
	// drawn with "/Name Do".
	Forms []Form
	// Images are the resource names of image XObjects available to every
	// page: one dark gray pixel each, drawn over the unit square of the
	// CTM with "/Name Do".
	Images []string
}

// Form is a form XObject: a content stream that pages draw with Do.
type Form struct {
	// Name is the resource name, such as "Fm1".
	Name string
	// Content is the form's content stream, drawn with the document's fonts.
	Content string
	// Matrix, when set, is the form matrix, such as "1 0 0 1 0 -100".
	Matrix string
}

// Font is a font resource.
type Font struct {
	// Name is the resource name used by Tf, such as "F1".
	Name string
	// BaseFont is the PostScript name, such as "Helvetica-Bold".
	BaseFont string
	// Widths, when set, are the advances of codes 32, 33, ... in 1/1000 em.
	// Simple fonts only.
	Widths []int
	// ToUnicode, when set, makes a Type0 font with Identity-H encoding: each
	// two-byte code maps to the given text. Show its text with Hex.
	ToUnicode map[uint16]string
	// CMap, when set, is written as the ToUnicode CMap of a Type0 font in
	// place of the one made from ToUnicode.
	CMap string
	// Type0 makes a Type0 font with Identity-H encoding even when ToUnicode
	// and CMap are empty. Such a font has no ToUnicode entry.
	Type0 bool
	// CIDWidth is the advance of every glyph of a Type0 font in 1/1000 em.
	// Zero means 600.
	CIDWidth int
}

// pageWidth and pageHeight are the media box of every page: US Letter, in
// points.
const pageWidth, pageHeight = 612, 792

// Bytes returns the PDF file.
func (d Doc) Bytes() []byte {
	w := &writer{}
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

	// Object numbers: 1 catalog, 2 page tree, 3 info, then fonts (with
	// their descendant and CMap objects), forms, and for each page its page
	// object and content stream.
	const catalog, pageTree, info = 1, 2, 3
	next := 4
	fontRefs := make([]int, len(d.Fonts))
	var fontObjects [][]int // extra objects per font
	for i, f := range d.Fonts {
		fontRefs[i] = next
		next++
		var extra []int
		if f.composite() {
			extra = []int{next, next + 1} // descendant font, ToUnicode stream
			next += 2
		}
		fontObjects = append(fontObjects, extra)
	}
	formRefs := make([]int, len(d.Forms))
	for i := range d.Forms {
		formRefs[i] = next
		next++
	}
	imageRefs := make([]int, len(d.Images))
	for i := range d.Images {
		imageRefs[i] = next
		next++
	}
	pageRefs := make([]int, len(d.Pages))
	for i := range d.Pages {
		pageRefs[i] = next
		next += 2
	}

	w.object(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pageTree))
	var kids []string
	for _, r := range pageRefs {
		kids = append(kids, fmt.Sprintf("%d 0 R", r))
	}
	w.object(pageTree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 %d %d] >>",
		strings.Join(kids, " "), len(pageRefs), pageWidth, pageHeight))
	w.object(info, fmt.Sprintf("<< /Producer (finx pdftest) /Title %s >>", literal(d.Title)))

	var fontDict []string
	for i, f := range d.Fonts {
		fontDict = append(fontDict, fmt.Sprintf("/%s %d 0 R", f.Name, fontRefs[i]))
		if !f.composite() {
			w.object(fontRefs[i], simpleFont(f))
			continue
		}
		desc, cmap := fontObjects[i][0], fontObjects[i][1]
		toUnicode := fmt.Sprintf(" /ToUnicode %d 0 R", cmap)
		if f.ToUnicode == nil && f.CMap == "" {
			toUnicode = ""
		}
		w.object(fontRefs[i], fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R]%s >>",
			f.BaseFont, desc, toUnicode))
		width := f.CIDWidth
		if width == 0 {
			width = 600
		}
		w.object(desc, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW %d >>",
			f.BaseFont, width))
		text := f.CMap
		if text == "" {
			text = toUnicodeCMap(f.ToUnicode)
		}
		w.stream(cmap, "", text, false)
	}
	fontResources := fmt.Sprintf("/Font << %s >>", strings.Join(fontDict, " "))
	// Forms get the page resources, so that a form may draw other forms
	// and itself.
	var xobjects []string
	for i, f := range d.Forms {
		xobjects = append(xobjects, fmt.Sprintf("/%s %d 0 R", f.Name, formRefs[i]))
	}
	for i, name := range d.Images {
		xobjects = append(xobjects, fmt.Sprintf("/%s %d 0 R", name, imageRefs[i]))
	}
	resources := fmt.Sprintf("<< %s >>", fontResources)
	if len(xobjects) > 0 {
		resources = fmt.Sprintf("<< %s /XObject << %s >> >>", fontResources, strings.Join(xobjects, " "))
	}
	for i, f := range d.Forms {
		dict := fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 %d %d] /Resources %s", pageWidth, pageHeight, resources)
		if f.Matrix != "" {
			dict += " /Matrix [" + f.Matrix + "]"
		}
		w.stream(formRefs[i], dict, f.Content, d.Compress)
	}
	for i := range d.Images {
		w.stream(imageRefs[i], "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", "\x40", false)
	}

	for i, content := range d.Pages {
		page, strm := pageRefs[i], pageRefs[i]+1
		w.object(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Resources %s /Contents %d 0 R >>", pageTree, resources, strm))
		w.stream(strm, "", content, d.Compress)
	}
	return w.finish(next, catalog, info)
}

func (f Font) composite() bool { return f.Type0 || f.ToUnicode != nil || f.CMap != "" }

func simpleFont(f Font) string {
	s := fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding", f.BaseFont)
	if len(f.Widths) > 0 {
		var ws []string
		for _, w := range f.Widths {
			ws = append(ws, fmt.Sprint(w))
		}
		s += fmt.Sprintf(" /FirstChar 32 /LastChar %d /Widths [%s]", 31+len(f.Widths), strings.Join(ws, " "))
	}
	return s + " >>"
}

func toUnicodeCMap(m map[uint16]string) string {
	codes := make([]uint16, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
	b.WriteString("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
	b.WriteString("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
	b.WriteString("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(codes) > 0 {
		chunk := codes[:min(len(codes), 100)]
		codes = codes[len(chunk):]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, c := range chunk {
			fmt.Fprintf(&b, "<%04X> <", c)
			for _, r := range utf16(m[c]) {
				fmt.Fprintf(&b, "%04X", r)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.String()
}

func utf16(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

// writer lays out numbered objects and records their byte offsets.
type writer struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *writer) object(num int, body string) {
	if w.offsets == nil {
		w.offsets = make(map[int]int)
	}
	w.offsets[num] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", num, body)
}

// stream writes a stream object with the extra dictionary entries in dict.
func (w *writer) stream(num int, dict, content string, compress bool) {
	data := []byte(content)
	filter := ""
	if compress {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
		filter = " /Filter /FlateDecode"
	}
	if w.offsets == nil {
		w.offsets = make(map[int]int)
	}
	w.offsets[num] = w.buf.Len()
	if dict != "" {
		dict += " "
	}
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s/Length %d%s >>\nstream\n", num, dict, len(data), filter)
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

func (w *writer) finish(size, catalog, info int) []byte {
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f\r\n", size)
	for i := 1; i < size; i++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n\r\n", w.offsets[i])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, catalog, info, xref)
	return w.buf.Bytes()
}

// Line returns content-stream operators that draw one line of text with a
// simple font at (x, y) in points from the bottom left of the page.
func Line(font string, size, x, y float64, text string) string {
	return fmt.Sprintf("BT /%s %g Tf %g %g Td %s Tj ET\n", font, size, x, y, literal(text))
}

// Hex returns a hex string operand for codes of a Type0 font, such as
// "<00010002>".
func Hex(codes ...uint16) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, c := range codes {
		fmt.Fprintf(&b, "%04X", c)
	}
	b.WriteByte('>')
	return b.String()
}

// literal returns s as a PDF literal string, escaping the delimiters. Bytes
// are written as they are, so s should hold WinAnsi text.
func literal(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`, "\r", `\r`, "\n", `\n`)
	return "(" + r.Replace(s) + ")"
}

// Courier returns the /Widths of Courier for codes 32 to 126: every glyph
// of the face is 600/1000 em wide.
func Courier() []int {
	w := make([]int, 95)
	for i := range w {
		w[i] = 600
	}
	return w
}
