package html

import (
	"bytes"
	"regexp"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// prescanBytes is how far into the file a charset declaration is looked
// for, as the HTML standard's encoding prescan does.
const prescanBytes = 1024

var (
	xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']`)
	metaCharset     = regexp.MustCompile(`(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)`)
)

// textEncoding is the decoder from the bytes of text tokens to UTF-8.
type textEncoding struct {
	// name is the WHATWG name of the encoding, "utf-8" for input used as is.
	name string
	// utf8 is set when the input is used without decoding.
	utf8 bool
	// high maps bytes 0x80-0xFF to UTF-8 for single-byte encodings.
	high *[128]string
	// decoder converts runs of non-ASCII bytes for other encodings.
	decoder *encoding.Decoder
}

// detectEncoding picks the encoding of data: a byte order mark, then an XML
// declaration, then a meta charset in the first 1024 bytes. Without a
// declaration, valid UTF-8 is used as is and anything else is read as
// windows-1252, the encoding of older EDGAR documents. A declared UTF-8
// file whose bytes are not valid UTF-8 is read as windows-1252 too. The
// second result is a warning for the document, or "".
func detectEncoding(data []byte) (textEncoding, string) {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return utf8Or1252(data, "utf-8")
	}
	head := data[:min(len(data), prescanBytes)]
	label := ""
	if m := xmlDeclEncoding.FindSubmatch(head); m != nil {
		label = string(m[1])
	} else if m := metaCharset.FindSubmatch(head); m != nil {
		label = string(m[1])
	}
	if label == "" {
		return utf8Or1252(data, "")
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		te, warn := utf8Or1252(data, "")
		if warn == "" {
			warn = "html: unknown charset " + label + "; read as " + te.name
		}
		return te, warn
	}
	if name == "utf-8" {
		return utf8Or1252(data, label)
	}
	if isASCII(data) {
		// Every encoding EDGAR accepts is ASCII-compatible, and the
		// declared "ASCII" of many inline XBRL files maps to windows-1252.
		return textEncoding{name: "utf-8", utf8: true}, ""
	}
	return newTextEncoding(enc, name), ""
}

func utf8Or1252(data []byte, declared string) (textEncoding, string) {
	if utf8.Valid(data) {
		return textEncoding{name: "utf-8", utf8: true}, ""
	}
	enc, name := charset.Lookup("windows-1252")
	warn := ""
	if declared != "" {
		warn = "html: declared charset " + declared + " but the bytes are not valid UTF-8; read as windows-1252"
	}
	return newTextEncoding(enc, name), warn
}

func newTextEncoding(enc encoding.Encoding, name string) textEncoding {
	te := textEncoding{name: name, decoder: enc.NewDecoder()}
	var high [128]string
	single := true
	for i := range high {
		out, err := enc.NewDecoder().Bytes([]byte{byte(0x80 + i)})
		if err != nil || utf8.RuneCount(out) != 1 {
			single = false
			break
		}
		high[i] = string(out)
	}
	if single {
		te.high = &high
	}
	return te
}

func isASCII(data []byte) bool {
	for _, c := range data {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
