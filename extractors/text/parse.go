package text

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// maxControlShare is the share of control bytes (other than tab, line
// feed, carriage return, form feed and vertical tab) above which input is
// taken as binary: 1 in 100.
const maxControlShare = 100

// Parse reads an EDGAR full submission or plain text. name is used in
// errors and as Document.SourcePath. Every error is an *Error.
func Parse(ctx context.Context, name string, data []byte) (*schemas.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{File: name, Code: ReasonCanceled, Err: err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Code: ReasonEmptyFile, Err: fmt.Errorf("the file has %d bytes and no text", len(data))}
	}
	if err := checkBinary(data); err != nil {
		return nil, &Error{File: name, Code: ReasonBinaryContent, Err: err}
	}

	b := &builder{src: data, cp1252: !utf8.Valid(data)}
	doc := &schemas.Document{}
	if b.cp1252 {
		doc.Warnings = append(doc.Warnings, "the file is not valid UTF-8; it was decoded as windows-1252")
	}
	if bytes.Contains(data, []byte("<DOCUMENT>")) {
		if err := parseSubmission(ctx, b, doc); err != nil {
			return nil, &Error{File: name, Code: ReasonCanceled, Err: err}
		}
	} else {
		// A UTF-8 byte order mark is not text.
		start := 0
		if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			start = 3
		}
		b.copy(start, len(data))
	}

	doc.Text = string(b.text)
	doc.Segments = b.segs
	sum := sha256.Sum256(data)
	doc.DocID = hex.EncodeToString(sum[:])
	doc.SourcePath = name
	doc.MediaType = schemas.MediaText
	doc.Size = int64(len(data))
	return doc, nil
}

// checkBinary rejects input with a NUL byte or with more control bytes than
// one in maxControlShare.
func checkBinary(data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fmt.Errorf("NUL byte at offset %d", i)
	}
	controls := 0
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' || c == 0x7f {
			controls++
		}
	}
	if controls*maxControlShare > len(data) {
		return fmt.Errorf("%d of %d bytes are control characters", controls, len(data))
	}
	return nil
}
