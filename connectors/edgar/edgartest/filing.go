package edgartest

import (
	"fmt"
	"html"
	"strings"
)

// Filing is a made-up EDGAR filing to serve.
type Filing struct {
	CIK       int64
	Company   string
	Accession string
	Form      string
	// Date is the filing date, YYYYMMDD as in EDGAR's SGML header.
	Date  string
	Items []string
	// Documents are the filing's documents in sequence order, the primary
	// document first.
	Documents []Document
}

// Document is one document of a Filing.
type Document struct {
	// Type is the form for the primary document, EX-99.1 and so on for
	// exhibits.
	Type string
	Name string
	// Body is served for the document; nil serves DefaultBody.
	Body []byte
}

// DefaultBody returns the made-up HTML served for a document without a
// Body, distinct per document so that every DocID differs.
func (f Filing) DefaultBody(d Document) []byte {
	return []byte(fmt.Sprintf("<html><body><p>%s %s filed %s: document %s.</p></body></html>\n", f.Company, f.Form, f.Date, d.Name))
}

// IndexHeaders returns the filing's <accession>-index-headers.html page in
// EDGAR's layout: the SGML header inside an HTML comment, then the
// escaped list of documents.
func (f Filing) IndexHeaders() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<HTML><HEAD><TITLE>SEC EDGAR Submission %s</TITLE>\n<!--\n<SEC-HEADER>%s.hdr.sgml : %s\n", f.Accession, f.Accession, f.Date)
	fmt.Fprintf(&b, "<ACCESSION-NUMBER>%s\n<TYPE>%s\n<PUBLIC-DOCUMENT-COUNT>%d\n", f.Accession, f.Form, len(f.Documents))
	for _, it := range f.Items {
		fmt.Fprintf(&b, "<ITEMS>%s\n", it)
	}
	fmt.Fprintf(&b, "<FILING-DATE>%s\n<FILER>\n<COMPANY-DATA>\n<CONFORMED-NAME>%s\n<CIK>%010d\n</COMPANY-DATA>\n</FILER>\n</SEC-HEADER>\n-->\n</HEAD><BODY>\n<PRE>",
		f.Date, strings.ToUpper(f.Company), f.CIK)
	fmt.Fprintf(&b, "%s", html.EscapeString(fmt.Sprintf("<SEC-DOCUMENT>%s-index.html : %s\n<SEC-HEADER>%s.hdr.sgml : %s\nACCESSION NUMBER:\t\t%s\n</SEC-HEADER>\n",
		f.Accession, f.Date, f.Accession, f.Date, f.Accession)))
	for i, d := range f.Documents {
		b.WriteString(html.EscapeString(fmt.Sprintf("<DOCUMENT>\n<TYPE>%s\n<SEQUENCE>%d\n<FILENAME>%s\n<DESCRIPTION>%s\n<TEXT>\n", d.Type, i+1, d.Name, d.Type)))
		fmt.Fprintf(&b, "<a href=\"%s\">Document %d - file: %s</a><br>\n", d.Name, i+1, d.Name)
		b.WriteString(html.EscapeString("</DOCUMENT>\n"))
	}
	b.WriteString(html.EscapeString("</SEC-DOCUMENT>"))
	b.WriteString("</PRE></BODY></HTML>\n")
	return []byte(b.String())
}

// AddFiling serves the filing's index page and its documents.
func (s *Server) AddFiling(f Filing) {
	s.Bytes(Archive(f.CIK, f.Accession, f.Accession+"-index-headers.html"), f.IndexHeaders())
	for _, d := range f.Documents {
		body := d.Body
		if body == nil {
			body = f.DefaultBody(d)
		}
		s.Bytes(Archive(f.CIK, f.Accession, d.Name), body)
	}
}
