package html

// blockElements end the current line at their start and end tags.
var blockElements = setOf(
	"address", "article", "aside", "blockquote", "body", "caption", "center",
	"dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
	"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
	"h6", "header", "hgroup", "html", "legend", "li", "listing", "main",
	"menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
	"tfoot", "thead", "title", "tr", "ul", "xmp", "plaintext", "option",
)

// voidElements have no end tag and no content.
var voidElements = setOf(
	"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
	"link", "meta", "param", "source", "track", "wbr",
)

// lineBreaking void elements end the current line.
var lineBreaking = setOf("br", "hr")

// hiddenTags have content that is not visible text.
var hiddenTags = setOf(
	"script", "style", "noscript", "template", "iframe", "noembed",
	"noframes", "svg", "math",
)

// rawTextTags are read by the tokenizer as raw text up to their end tag.
var rawTextTags = setOf(
	"script", "style", "textarea", "title", "iframe", "noembed", "noframes",
	"noscript", "xmp", "plaintext",
)

// impliedEnd groups elements whose start tag closes an open element of the
// same group at the top of the stack, as the HTML parser does for an
// unclosed <p>, <li> or table cell.
var impliedEnd = map[string]int{
	"p":  1,
	"li": 2,
	"dt": 3, "dd": 3,
	"td": 4, "th": 4,
	"tr":     5,
	"option": 6,
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
