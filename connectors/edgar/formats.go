package edgar

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Company is one entry of company_tickers.json.
type Company struct {
	CIK    int64
	Ticker string
	Name   string
}

// FilingRef is one filing found in a submissions file, a daily index or
// the latest-filings feed.
type FilingRef struct {
	CIK     int64
	Company string
	Form    string
	// Accession is the dashed accession number, 0000320193-24-000123.
	Accession string
	// FilingDate is YYYY-MM-DD.
	FilingDate string
	// ReportDate is the end of the reported period, YYYY-MM-DD; empty when
	// the source does not give it.
	ReportDate string
	// Items are the 8-K item numbers ("2.02", "9.01"); nil when the source
	// does not list them, as the daily index does not.
	Items []string
	// PrimaryDocument is the main document's file name in the filing
	// folder, "" when the source does not name it.
	PrimaryDocument string
}

// IndexDocument is one document of a filing, as its index lists it.
type IndexDocument struct {
	// Type is the document type: the form for the main document, EX-99.1
	// and so on for exhibits.
	Type        string
	Sequence    int
	Filename    string
	Description string
}

// FilingIndex is the header of a filing's -index-headers.html page and the
// documents it lists.
type FilingIndex struct {
	Form       string
	Company    string
	CIK        int64
	FilingDate string
	Items      []string
	Documents  []IndexDocument
}

// ParseTickers reads company_tickers.json into a map from upper-case
// ticker to company.
func ParseTickers(data []byte) (map[string]Company, error) {
	var raw map[string]struct {
		CIK    int64  `json:"cik_str"`
		Ticker string `json:"ticker"`
		Title  string `json:"title"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("edgar: parse company_tickers.json: %w", err)
	}
	out := make(map[string]Company, len(raw))
	for _, e := range raw {
		t := strings.ToUpper(e.Ticker)
		out[t] = Company{CIK: e.CIK, Ticker: t, Name: e.Title}
	}
	return out, nil
}

// filingColumns are the columnar arrays of filings.recent and of the
// older paged submissions files.
type filingColumns struct {
	AccessionNumber []string `json:"accessionNumber"`
	FilingDate      []string `json:"filingDate"`
	ReportDate      []string `json:"reportDate"`
	Form            []string `json:"form"`
	Items           []string `json:"items"`
	PrimaryDocument []string `json:"primaryDocument"`
}

// SubmissionPage is an older submissions file listed under filings.files.
type SubmissionPage struct {
	Name       string `json:"name"`
	FilingFrom string `json:"filingFrom"`
	FilingTo   string `json:"filingTo"`
}

// Submissions is a company's submissions file.
type Submissions struct {
	CIK     int64
	Name    string
	Filings []FilingRef
	// Pages are the older filings' files, to fetch when the crawl reaches
	// back before the oldest of Filings.
	Pages []SubmissionPage
}

// ParseSubmissions reads data.sec.gov/submissions/CIK##########.json.
func ParseSubmissions(data []byte) (Submissions, error) {
	var raw struct {
		CIK     json.Number `json:"cik"`
		Name    string      `json:"name"`
		Filings struct {
			Recent filingColumns    `json:"recent"`
			Files  []SubmissionPage `json:"files"`
		} `json:"filings"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Submissions{}, fmt.Errorf("edgar: parse submissions: %w", err)
	}
	cik, err := strconv.ParseInt(string(raw.CIK), 10, 64)
	if err != nil {
		return Submissions{}, fmt.Errorf("edgar: parse submissions: invalid cik %q", raw.CIK)
	}
	s := Submissions{CIK: cik, Name: raw.Name, Pages: raw.Filings.Files}
	s.Filings, err = raw.Filings.Recent.refs(cik, raw.Name)
	if err != nil {
		return Submissions{}, fmt.Errorf("edgar: parse submissions of CIK %d: %w", cik, err)
	}
	return s, nil
}

// ParseSubmissionPage reads an older submissions file, which contains the
// bare columnar arrays.
func ParseSubmissionPage(data []byte, cik int64, company string) ([]FilingRef, error) {
	var cols filingColumns
	if err := json.Unmarshal(data, &cols); err != nil {
		return nil, fmt.Errorf("edgar: parse submissions page of CIK %d: %w", cik, err)
	}
	refs, err := cols.refs(cik, company)
	if err != nil {
		return nil, fmt.Errorf("edgar: parse submissions page of CIK %d: %w", cik, err)
	}
	return refs, nil
}

func (c filingColumns) refs(cik int64, company string) ([]FilingRef, error) {
	n := len(c.AccessionNumber)
	if len(c.FilingDate) != n || len(c.Form) != n || len(c.PrimaryDocument) != n || (c.Items != nil && len(c.Items) != n) {
		return nil, fmt.Errorf("columns of unequal length: %d accession numbers, %d filing dates, %d forms, %d items, %d primary documents",
			n, len(c.FilingDate), len(c.Form), len(c.Items), len(c.PrimaryDocument))
	}
	refs := make([]FilingRef, n)
	for i := range n {
		refs[i] = FilingRef{
			CIK:             cik,
			Company:         company,
			Form:            c.Form[i],
			Accession:       c.AccessionNumber[i],
			FilingDate:      c.FilingDate[i],
			PrimaryDocument: c.PrimaryDocument[i],
		}
		if c.Items != nil {
			refs[i].Items = splitItems(c.Items[i])
		}
		// reportDate is optional in older submissions files, so a column of
		// another length is ignored rather than failing the page.
		if len(c.ReportDate) == n {
			refs[i].ReportDate = c.ReportDate[i]
		}
	}
	return refs, nil
}

func splitItems(s string) []string {
	items := []string{}
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return items
}

// headerField matches one tag line of the SGML header that the
// -index-headers.html page carries in a comment: <ITEMS>2.02.
var headerField = regexp.MustCompile(`(?m)^<([A-Z-]+)>([^<\r\n]*)\r?$`)

// ParseIndexHeaders reads a filing's <accession>-index-headers.html page:
// the SGML header (form, company, items, filing date) and one entry per
// <DOCUMENT> with its TYPE, SEQUENCE, FILENAME and DESCRIPTION.
func ParseIndexHeaders(data []byte) (FilingIndex, error) {
	text := html.UnescapeString(string(data))
	var idx FilingIndex
	header, body, found := strings.Cut(text, "</SEC-HEADER>")
	if !found {
		return idx, fmt.Errorf("edgar: parse filing index: no </SEC-HEADER>")
	}
	for _, m := range headerField.FindAllStringSubmatch(header, -1) {
		value := strings.TrimSpace(m[2])
		switch m[1] {
		case "TYPE":
			if idx.Form == "" {
				idx.Form = value
			}
		case "CONFORMED-NAME":
			if idx.Company == "" {
				idx.Company = value
			}
		case "CIK":
			if idx.CIK == 0 {
				idx.CIK, _ = strconv.ParseInt(value, 10, 64)
			}
		case "FILING-DATE":
			if t, err := time.Parse("20060102", value); err == nil {
				idx.FilingDate = t.Format(time.DateOnly)
			}
		case "ITEMS":
			idx.Items = append(idx.Items, value)
		}
	}
	// The body lists the documents again, escaped in the page and
	// unescaped above, one <DOCUMENT> block each.
	for _, block := range strings.Split(body, "<DOCUMENT>")[1:] {
		block, _, _ = strings.Cut(block, "</DOCUMENT>")
		var d IndexDocument
		for _, m := range headerField.FindAllStringSubmatch(block, -1) {
			value := strings.TrimSpace(m[2])
			switch m[1] {
			case "TYPE":
				d.Type = value
			case "SEQUENCE":
				d.Sequence, _ = strconv.Atoi(value)
			case "FILENAME":
				d.Filename = value
			case "DESCRIPTION":
				d.Description = value
			}
		}
		if d.Filename != "" {
			idx.Documents = append(idx.Documents, d)
		}
	}
	if len(idx.Documents) == 0 {
		return idx, fmt.Errorf("edgar: parse filing index: no documents listed")
	}
	return idx, nil
}

// ParseIndexJSON reads a filing folder's index.json and returns the file
// names. It names no document types; the crawler uses it only when the
// -index-headers.html page is missing.
func ParseIndexJSON(data []byte) ([]string, error) {
	var raw struct {
		Directory struct {
			Item []struct {
				Name string `json:"name"`
			} `json:"item"`
		} `json:"directory"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("edgar: parse index.json: %w", err)
	}
	names := make([]string, 0, len(raw.Directory.Item))
	for _, it := range raw.Directory.Item {
		names = append(names, it.Name)
	}
	return names, nil
}

// accessionInPath matches the file name of a submission in an index:
// edgar/data/320193/0000320193-24-000123.txt.
var accessionInPath = regexp.MustCompile(`(\d{10}-\d{2}-\d{6})\.txt$`)

// ParseFormIndex reads a daily or quarterly index, form.idx (fixed-width
// columns) or master.idx ('|'-separated), and returns its filings.
// Index files are Latin-1; company names are decoded as such.
func ParseFormIndex(data []byte) ([]FilingRef, error) {
	var refs []FilingRef
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cols []int // start of Company Name, CIK, Date Filed, File Name
	master, inBody := false, false
	for sc.Scan() {
		line := latin1(sc.Bytes())
		switch {
		case !inBody && strings.HasPrefix(line, "CIK|Company Name|Form Type"):
			master = true
		case !inBody && strings.HasPrefix(line, "Form Type") && strings.Contains(line, "File Name"):
			cols = []int{strings.Index(line, "Company Name"), strings.Index(line, "CIK"), strings.Index(line, "Date Filed"), strings.Index(line, "File Name")}
			for _, c := range cols {
				if c < 0 {
					return nil, fmt.Errorf("edgar: parse form index: header %q lacks a column", line)
				}
			}
		case !inBody && strings.HasPrefix(line, "---"):
			inBody = true
		case inBody && strings.TrimSpace(line) != "":
			ref, err := parseIndexLine(line, master, cols)
			if err != nil {
				return nil, err
			}
			refs = append(refs, ref)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("edgar: parse form index: %w", err)
	}
	if !inBody {
		return nil, fmt.Errorf("edgar: parse form index: no header line ending in dashes")
	}
	return refs, nil
}

func parseIndexLine(line string, master bool, cols []int) (FilingRef, error) {
	var cik, company, form, date, file string
	if master {
		f := strings.Split(line, "|")
		if len(f) != 5 {
			return FilingRef{}, fmt.Errorf("edgar: parse form index: %d fields in %q, want 5", len(f), line)
		}
		cik, company, form, date, file = f[0], f[1], f[2], f[3], f[4]
	} else {
		if cols == nil || len(line) < cols[3] {
			return FilingRef{}, fmt.Errorf("edgar: parse form index: short line %q", line)
		}
		form, company, cik, date, file = line[:cols[0]], line[cols[0]:cols[1]], line[cols[1]:cols[2]], line[cols[2]:cols[3]], line[cols[3]:]
	}
	cikNum, err := strconv.ParseInt(strings.TrimSpace(cik), 10, 64)
	if err != nil {
		return FilingRef{}, fmt.Errorf("edgar: parse form index: invalid CIK in %q", line)
	}
	date = strings.TrimSpace(date)
	if t, err := time.Parse("20060102", date); err == nil {
		date = t.Format(time.DateOnly)
	}
	m := accessionInPath.FindStringSubmatch(strings.TrimSpace(file))
	if m == nil {
		return FilingRef{}, fmt.Errorf("edgar: parse form index: no accession number in %q", line)
	}
	return FilingRef{
		CIK:        cikNum,
		Company:    strings.TrimSpace(company),
		Form:       strings.TrimSpace(form),
		Accession:  m[1],
		FilingDate: date,
	}, nil
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// atomFeed is the part of EDGAR's latest-filings Atom feed the poller reads.
type atomFeed struct {
	Entries []struct {
		Title    string `xml:"title"`
		ID       string `xml:"id"`
		Updated  string `xml:"updated"`
		Summary  string `xml:"summary"`
		Category struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
		Link struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

var (
	feedAccession = regexp.MustCompile(`accession-number=(\d{10}-\d{2}-\d{6})`)
	// feedTitle matches "8-K - Apple Inc. (0000320193) (Filer)".
	feedTitle = regexp.MustCompile(`^(.+?) - (.+) \((\d{1,10})\) \(([^)]*)\)\s*$`)
	feedFiled = regexp.MustCompile(`Filed:</b>\s*(\d{4}-\d{2}-\d{2})|Filed:\s*(\d{4}-\d{2}-\d{2})`)
)

// ParseLatestFeed reads the latest-filings Atom feed. A filing appears once
// per role (filer, issuer, reporting owner); the result has one entry per
// accession number, in feed order.
func ParseLatestFeed(data []byte) ([]FilingRef, error) {
	var feed atomFeed
	dec := xml.NewDecoder(bytes.NewReader(data))
	// EDGAR declares the feed ISO-8859-1.
	dec.CharsetReader = charset.NewReaderLabel
	if err := dec.Decode(&feed); err != nil {
		return nil, fmt.Errorf("edgar: parse latest-filings feed: %w", err)
	}
	seen := make(map[string]bool)
	var refs []FilingRef
	for _, e := range feed.Entries {
		m := feedAccession.FindStringSubmatch(e.ID)
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		ref := FilingRef{Accession: m[1], Form: e.Category.Term}
		if t := feedTitle.FindStringSubmatch(strings.TrimSpace(e.Title)); t != nil {
			if ref.Form == "" {
				ref.Form = t[1]
			}
			ref.Company = t[2]
			ref.CIK, _ = strconv.ParseInt(t[3], 10, 64)
		}
		if f := feedFiled.FindStringSubmatch(e.Summary); f != nil {
			ref.FilingDate = f[1] + f[2]
		}
		if ref.CIK == 0 {
			continue
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
