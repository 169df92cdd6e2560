package pdf

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/ledongthuc/pdf"
)

// glyph is one character code drawn on a page, in page space (points, origin
// at the bottom left).
type glyph struct {
	x, y   float64 // baseline origin
	w      float64 // advance width, without word spacing
	size   float64 // effective font size
	s      string
	bold   bool
	italic bool
	// dx, dy is the unit direction of the baseline: (1, 0) for upright
	// text, (0, 1) for text that runs up the page.
	dx, dy float64
	// rot marks a glyph whose baseline is not along the page's main
	// direction; layoutPage sets it.
	rot bool
	// hidden is the reason a reader would not see the glyph, or visible.
	hidden visibility
}

// visibility is the reason a glyph does not show on the rendered page, or
// visible when it shows.
type visibility uint8

const (
	visible visibility = iota
	// hiddenMode: text render mode 3 (neither fill nor stroke) or 7 (clip
	// only). OCR tools draw their text layer this way over a page image.
	hiddenMode
	// hiddenWhite: white text with no filled shape or image under it,
	// which is invisible on a white page.
	hiddenWhite
	// hiddenTiny: an effective font size below minVisibleSize.
	hiddenTiny
	// hiddenOffPage: the glyph starts outside the page's crop box.
	hiddenOffPage
)

// minVisibleSize is the effective font size, in points, below which text
// cannot be read on a printed or rendered page. Footnote markers are set at
// 4 points or more.
const minVisibleSize = 1.0

// rect is an axis-aligned box in page space.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) contains(x, y float64) bool {
	return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1
}

// bounds returns the box around the unit square [0,1]² or a rectangle
// (x, y, w, h) mapped by m.
func bounds(x, y, w, h float64, m matrix) rect {
	r := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range [][2]float64{{x, y}, {x + w, y}, {x, y + h}, {x + w, y + h}} {
		px := p[0]*m[0] + p[1]*m[2] + m[4]
		py := p[0]*m[1] + p[1]*m[3] + m[5]
		r.x0, r.x1 = min(r.x0, px), max(r.x1, px)
		r.y0, r.y1 = min(r.y0, py), max(r.y1, py)
	}
	return r
}

// matrix is a PDF transformation matrix [a b c d e f]. A point maps as
// [x y 1] × [[a b 0] [c d 0] [e f 1]].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: apply m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type graphicsState struct {
	ctm    matrix
	tc, tw float64
	th     float64 // horizontal scaling, 1 = 100%
	tl     float64
	tfs    float64
	trise  float64
	tr     int
	font   *font
	// fillWhite and strokeWhite are set while the fill or stroke color is
	// white in a device color space.
	fillWhite, strokeWhite bool
	// fillSpace and strokeSpace are the color spaces set by cs and CS.
	fillSpace, strokeSpace string
}

// maxBackgrounds bounds the filled rectangles and images kept per page for
// the white-text check; a page past it keeps its white text.
const maxBackgrounds = 10_000

// isWhite reports whether color operands are white in the device color
// space they were given for: gray 1, RGB 1 1 1, or CMYK 0 0 0 0.
func isWhite(args []pdf.Value) bool {
	switch len(args) {
	case 1:
		return args[0].Float64() >= 0.999
	case 3:
		return args[0].Float64() >= 0.999 && args[1].Float64() >= 0.999 && args[2].Float64() >= 0.999
	case 4:
		return args[0].Float64() <= 0.001 && args[1].Float64() <= 0.001 && args[2].Float64() <= 0.001 && args[3].Float64() <= 0.001
	}
	return false
}

// deviceSpace reports the color spaces whose sc operands isWhite reads.
func deviceSpace(name string) bool {
	return name == "DeviceGray" || name == "DeviceRGB" || name == "DeviceCMYK" || name == "G" || name == "RGB" || name == "CMYK"
}

const (
	// maxGlyphsPerPage stops a page that draws far more glyphs than a real
	// one. The densest page of the ten corpus PDFs draws 9,020.
	maxGlyphsPerPage = 500_000
	// maxFormDepth bounds nested form XObjects, which may also refer to
	// themselves.
	maxFormDepth = 8
	// maxStateDepth bounds q/Q nesting.
	maxStateDepth = 256
	// checkEvery is how many operators run between checks for a stop
	// request.
	checkEvery = 512
	// maxContentBytes bounds the decoded size of one content stream (or
	// array of streams). The library keeps every operand on a stack until
	// an operator consumes it, so a Flate bomb of bare numbers would
	// otherwise exhaust memory. The largest page content of the ten corpus
	// PDFs decodes to 363 KB.
	maxContentBytes = 16 << 20
)

var (
	errStopped      = errors.New("parse stopped")
	errContentSize  = fmt.Errorf("content stream decodes to more than %d bytes, the limit", maxContentBytes)
	errTooManyGlyph = errors.New("page draws more than 500000 glyphs, the limit")
)

// interpreter runs one page's content streams and collects its glyphs.
type interpreter struct {
	stop   func() bool
	glyphs []glyph
	ops    int
	// unmapped holds the names of fonts whose codes could not be mapped to
	// text because they have no ToUnicode CMap.
	unmapped map[string]bool
	// path holds the rectangles of the path being built; backgrounds the
	// non-white filled rectangles and the images drawn so far, in page space.
	path        []rect
	backgrounds []rect
}

// onBackground reports whether (x, y) lies on a filled shape or image drawn
// earlier on the page.
func (in *interpreter) onBackground(x, y float64) bool {
	for _, r := range in.backgrounds {
		if r.contains(x, y) {
			return true
		}
	}
	return false
}

func (in *interpreter) addBackground(r rect) {
	if len(in.backgrounds) < maxBackgrounds {
		in.backgrounds = append(in.backgrounds, r)
	}
}

// scope is a resource dictionary with its parsed fonts.
type scope struct {
	resources pdf.Value
	fonts     map[string]*font
}

func (s *scope) font(name string) *font {
	if f, ok := s.fonts[name]; ok {
		return f
	}
	fetch := func() pdf.Value { return s.resources.Key("Font").Key(name) }
	v := fetch()
	var f *font
	if v.Kind() == pdf.Dict {
		f = loadFont(v, fetch)
	}
	s.fonts[name] = f
	return f
}

// run interprets a content stream (or array of streams) with the given
// resources and initial CTM. Library panics propagate to readPage, which
// turns them into warnings.
func (in *interpreter) run(strm pdf.Value, sc *scope, ctm matrix, depth int) {
	if contentSize(strm, maxContentBytes) > maxContentBytes {
		panic(errContentSize)
	}
	g := graphicsState{ctm: ctm, th: 1}
	var stack []graphicsState
	var tm, tlm matrix

	show := func(raw string) {
		f := g.font
		if f == nil {
			return
		}
		for len(raw) > 0 {
			n := f.nextCode(raw)
			code := raw[:n]
			raw = raw[n:]
			w0 := f.width(code) / 1000
			m := tm.mul(g.ctm)
			trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.trise}.mul(m)
			hscale := math.Hypot(m[0], m[1])
			if f.noUnicode {
				if in.unmapped == nil {
					in.unmapped = make(map[string]bool)
				}
				in.unmapped[f.name] = true
			}
			if s := f.text(code); s != "" {
				gl := glyph{
					x:      trm[4],
					y:      trm[5],
					w:      (w0*g.tfs + g.tc) * g.th * hscale,
					size:   math.Abs(g.tfs) * f.sizeScale * math.Hypot(m[2], m[3]),
					s:      s,
					bold:   f.bold || g.tr == 2,
					italic: f.italic,
					dx:     1,
				}
				if hscale > 0 {
					gl.dx, gl.dy = m[0]/hscale, m[1]/hscale
				}
				gl.hidden = in.visibilityOf(&g, gl)
				in.glyphs = append(in.glyphs, gl)
				if len(in.glyphs) > maxGlyphsPerPage {
					panic(errTooManyGlyph)
				}
			}
			tx := w0*g.tfs + g.tc
			if n == 1 && code[0] == ' ' {
				tx += g.tw
			}
			tm = matrix{1, 0, 0, 1, tx * g.th, 0}.mul(tm)
		}
	}
	nextLine := func(tx, ty float64) {
		tlm = matrix{1, 0, 0, 1, tx, ty}.mul(tlm)
		tm = tlm
	}

	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		in.ops++
		if in.ops%checkEvery == 0 && in.stop() {
			panic(errStopped)
		}
		args := popArgs(stk)
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < maxStateDepth {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrixOf(args).mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Tr":
			g.tr = int(num(0))
		case "Ts":
			g.trise = num(0)
		case "Tf":
			if len(args) == 2 {
				g.font = sc.font(args[0].Name())
				g.tfs = args[1].Float64()
			}
		case "Td":
			nextLine(num(0), num(1))
		case "TD":
			g.tl = -num(1)
			nextLine(num(0), num(1))
		case "Tm":
			if len(args) == 6 {
				tm = matrixOf(args)
				tlm = tm
			}
		case "T*":
			nextLine(0, -g.tl)
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			nextLine(0, -g.tl)
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				nextLine(0, -g.tl)
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			arr := args[0]
			for i := 0; i < arr.Len(); i++ {
				x := arr.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
					continue
				}
				tx := -x.Float64() / 1000 * g.tfs * g.th
				tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
			}
		case "Do":
			if len(args) == 1 {
				in.form(sc, args[0].Name(), g.ctm, depth)
			}
		case "g", "rg", "k":
			g.fillWhite = isWhite(args)
			g.fillSpace = ""
		case "G", "RG", "K":
			g.strokeWhite = isWhite(args)
			g.strokeSpace = ""
		case "cs":
			// Setting a color space sets its initial color, which is black
			// in every device space.
			g.fillSpace = nameArg(args)
			g.fillWhite = false
		case "CS":
			g.strokeSpace = nameArg(args)
			g.strokeWhite = false
		case "sc", "scn":
			g.fillWhite = deviceSpace(g.fillSpace) && isWhite(args)
		case "SC", "SCN":
			g.strokeWhite = deviceSpace(g.strokeSpace) && isWhite(args)
		case "re":
			if len(args) == 4 && len(in.path) < maxBackgrounds {
				in.path = append(in.path, bounds(num(0), num(1), num(2), num(3), g.ctm))
			}
		case "f", "F", "f*", "B", "B*", "b", "b*":
			if !g.fillWhite {
				for _, r := range in.path {
					in.addBackground(r)
				}
			}
			in.path = in.path[:0]
		case "n", "S", "s":
			in.path = in.path[:0]
		case "BI":
			// An inline image covers the unit square of the CTM.
			in.addBackground(bounds(0, 0, 1, 1, g.ctm))
		}
	})
}

// form runs a form XObject, which draws its own content stream with its own
// resources (or the caller's when it has none).
func (in *interpreter) form(sc *scope, name string, ctm matrix, depth int) {
	if depth >= maxFormDepth {
		return
	}
	x := sc.resources.Key("XObject").Key(name)
	if x.Kind() == pdf.Stream && x.Key("Subtype").Name() == "Image" {
		// An image covers the unit square of the CTM; white text on it
		// is visible.
		in.addBackground(bounds(0, 0, 1, 1, ctm))
		return
	}
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	m := identity
	if a := x.Key("Matrix"); a.Kind() == pdf.Array && a.Len() == 6 {
		for i := range 6 {
			m[i] = a.Index(i).Float64()
		}
	}
	inner := sc
	if r := x.Key("Resources"); r.Kind() == pdf.Dict {
		inner = &scope{resources: r, fonts: make(map[string]*font)}
	}
	in.run(x, inner, m.mul(ctm), depth+1)
}

// contentSize decodes a stream, or an array of streams, and returns its
// size, stopping once it exceeds limit.
func contentSize(v pdf.Value, limit int64) int64 {
	if v.Kind() == pdf.Stream {
		n, _ := io.Copy(io.Discard, io.LimitReader(v.Reader(), limit+1))
		return n
	}
	var total int64
	for i := 0; i < v.Len() && total <= limit; i++ {
		total += contentSize(v.Index(i), limit-total)
	}
	return total
}

// visibilityOf classifies a glyph drawn in graphics state g.
func (in *interpreter) visibilityOf(g *graphicsState, gl glyph) visibility {
	switch {
	case g.tr == 3 || g.tr == 7:
		return hiddenMode
	case gl.size < minVisibleSize:
		return hiddenTiny
	}
	fills := g.tr == 0 || g.tr == 2 || g.tr == 4 || g.tr == 6
	strokes := g.tr == 1 || g.tr == 2 || g.tr == 5 || g.tr == 6
	white := (!fills || g.fillWhite) && (!strokes || g.strokeWhite)
	if white && !in.onBackground(gl.x, gl.y) {
		return hiddenWhite
	}
	return visible
}

func nameArg(args []pdf.Value) string {
	if len(args) != 1 {
		return ""
	}
	return args[0].Name()
}

func popArgs(stk *pdf.Stack) []pdf.Value {
	n := stk.Len()
	args := make([]pdf.Value, n)
	for i := n - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	return args
}

func matrixOf(args []pdf.Value) matrix {
	var m matrix
	for i := range 6 {
		m[i] = args[i].Float64()
	}
	return m
}
