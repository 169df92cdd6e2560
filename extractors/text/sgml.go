package text

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/finx-dev/finx/schemas"
)

// headerFields maps SGML header keys to the Filing field they fill. The
// first occurrence wins, which for the company is the filer.
var headerFields = map[string]func(*schemas.Document, string){
	"ACCESSION NUMBER":          func(d *schemas.Document, v string) { d.Accession = v },
	"CONFORMED SUBMISSION TYPE": func(d *schemas.Document, v string) { d.Form = v },
	"COMPANY CONFORMED NAME":    func(d *schemas.Document, v string) { d.Company = v },
	"CENTRAL INDEX KEY":         func(d *schemas.Document, v string) { d.CIK = v },
	"FILED AS OF DATE":          func(d *schemas.Document, v string) { d.FilingDate = isoDate(v) },
}

var (
	pageMarker = regexp.MustCompile(`^<PAGE>\s*\d*$`)
	// sgmlTagLine is a line that holds only old EDGAR table markup
	// (<TABLE>, <CAPTION>, <S>, <C>, <FN>, <F1>...).
	sgmlTagLine = regexp.MustCompile(`^(?:</?(?:TABLE|CAPTION|S|C|FN|F\d+)>\s*)+$`)
	wrapperTag  = regexp.MustCompile(`^<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>(.*)$`)
)

// submissionDoc is the state of the <DOCUMENT> block being read.
type submissionDoc struct {
	typ         string
	filename    string
	description string
}

// DocumentSectionPrefix starts the ID of the section that Parse records for
// each document of a submission: "document_8_k", "document_ex_99_1". A
// second document of the same type gets a suffix: "document_ex_99_1_2".
const DocumentSectionPrefix = "document_"

// documentSection returns the section of one submission document that
// spans Text[start:end].
func documentSection(cur *submissionDoc, start, end int, ids map[string]int) schemas.Section {
	id := DocumentSectionPrefix + slug(cur.typ)
	ids[id]++
	if n := ids[id]; n > 1 {
		id += fmt.Sprintf("_%d", n)
	}
	title := strings.TrimSpace(strings.Join([]string{cur.typ, cur.filename, cur.description}, " "))
	return schemas.Section{ID: id, Title: strings.Join(strings.Fields(title), " "), Start: start, End: end}
}

// slug lowercases s and turns every run of other characters than letters
// and digits into one underscore: "EX-99.1" becomes "ex_99_1".
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	if b.Len() == 0 {
		return "untyped"
	}
	return b.String()
}

// parseSubmission reads the SGML header and the <DOCUMENT> blocks.
func parseSubmission(ctx context.Context, b *builder, doc *schemas.Document) error {
	data := b.src
	seen := make(map[string]bool)
	ids := make(map[string]int)
	var cur *submissionDoc
	inHeader := true
	for pos := 0; pos < len(data); {
		lineEnd, next := lineAt(data, pos)
		line := bytes.TrimRight(data[pos:lineEnd], "\r")
		trimmed := strings.TrimSpace(string(line))

		switch {
		case trimmed == "<DOCUMENT>":
			if err := ctx.Err(); err != nil {
				return err
			}
			inHeader = false
			cur = &submissionDoc{}
		case trimmed == "</DOCUMENT>":
			cur = nil
		case cur != nil && trimmed == "<TEXT>":
			var start int
			var included bool
			pos, start, included = b.documentText(cur, next, doc)
			if included {
				doc.Sections = append(doc.Sections, documentSection(cur, start, len(b.text), ids))
			}
			continue
		case cur != nil:
			if m := wrapperTag.FindStringSubmatch(trimmed); m != nil {
				switch m[1] {
				case "TYPE":
					cur.typ = strings.TrimSpace(m[2])
				case "FILENAME":
					cur.filename = strings.TrimSpace(m[2])
				case "DESCRIPTION":
					cur.description = strings.TrimSpace(m[2])
				}
			}
		case inHeader:
			key, value, ok := strings.Cut(trimmed, ":")
			if ok {
				key = strings.TrimSpace(key)
				if set := headerFields[key]; set != nil && !seen[key] && strings.TrimSpace(value) != "" {
					set(doc, strings.TrimSpace(value))
					seen[key] = true
				}
			}
		}
		pos = next
	}
	return nil
}

// documentText copies the content of one <TEXT> block that starts at start.
// It returns the offset after its </TEXT> line (or the end of the file),
// the offset in Text where the document's text starts, and false when the
// document was left out.
func (b *builder) documentText(cur *submissionDoc, start int, doc *schemas.Document) (int, int, bool) {
	end, after := findTextEnd(b.src, start)
	body := b.src[start:end]
	if skipDocument(cur.typ, body) {
		doc.Warnings = append(doc.Warnings, fmt.Sprintf("document %s (%s) was left out: not text", cur.filename, cur.typ))
		return after, len(b.text), false
	}
	if len(b.text) > 0 {
		b.endLine()
		b.insert("\n")
	}
	textStart := len(b.text)
	if isHTML(cur.filename, body) {
		b.stripHTML(start, end)
		return after, textStart, true
	}
	for pos := start; pos < end; {
		lineEnd, next := lineAt(b.src, pos)
		lineEnd = min(lineEnd, end)
		next = min(next, end)
		line := strings.TrimSpace(string(b.src[pos:lineEnd]))
		if !pageMarker.MatchString(line) && !sgmlTagLine.MatchString(line) {
			b.copy(pos, next)
		}
		pos = next
	}
	b.endLine()
	return after, textStart, true
}

// findTextEnd returns the offset of the </TEXT> line that closes a block
// starting at start, and the offset after that line.
func findTextEnd(data []byte, start int) (end, after int) {
	for pos := start; pos < len(data); {
		lineEnd, next := lineAt(data, pos)
		if strings.TrimSpace(string(data[pos:lineEnd])) == "</TEXT>" {
			return pos, next
		}
		pos = next
	}
	return len(data), len(data)
}

// lineAt returns the end of the line starting at pos (the offset of its
// '\n', or len(data)) and the start of the next line.
func lineAt(data []byte, pos int) (int, int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		return len(data), len(data)
	}
	return pos + i, pos + i + 1
}

// skipDocument reports documents that carry no prose: uuencoded
// attachments and XBRL exhibits.
func skipDocument(typ string, body []byte) bool {
	if strings.HasPrefix(strings.ToUpper(typ), "EX-101") {
		return true
	}
	head := bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n")
	for _, prefix := range []string{"begin 6", "begin 7", "<PDF>", "<XBRL>", "<ZIP>"} {
		if bytes.HasPrefix(head, []byte(prefix)) {
			return true
		}
	}
	return false
}

func isHTML(filename string, body []byte) bool {
	lower := strings.ToLower(filename)
	if strings.HasSuffix(lower, ".htm") || strings.HasSuffix(lower, ".html") {
		return true
	}
	head := bytes.ToLower(body[:min(len(body), 2048)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// isoDate turns an EDGAR date (YYYYMMDD) into YYYY-MM-DD and returns other
// values unchanged.
func isoDate(v string) string {
	if len(v) != 8 {
		return v
	}
	for i := 0; i < 8; i++ {
		if v[i] < '0' || v[i] > '9' {
			return v
		}
	}
	return v[:4] + "-" + v[4:6] + "-" + v[6:]
}
