package edgar

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/finx-dev/finx/connectors/edgar/edgartest"
	"github.com/finx-dev/finx/internal/testenv"
)

// TestCorpusCrawl crawls the real EDGAR files of the corpus (ticker map,
// submissions, a filing's index page and index.json, a daily form index)
// served by the fake. Documents the corpus lacks are made up. Expected
// values are derived from the files with plain decoding in the test.
func TestCorpusCrawl(t *testing.T) {
	corpus := filepath.Join(testenv.Corpus(t), "edgar")
	srv := edgartest.New(t, edgartest.Config{Rate: MaxRate})
	srv.File("/files/company_tickers.json", filepath.Join(corpus, "company_tickers.json"))
	ctx := context.Background()

	// The submissions file names its own CIK; the ticker map must agree.
	subsFile := filepath.Join(corpus, "CIK0001318605_TSLA_submissions.json")
	var subs struct {
		CIK     string   `json:"cik"`
		Tickers []string `json:"tickers"`
		Filings struct {
			Recent map[string][]any `json:"recent"`
			Files  []struct {
				Name     string `json:"name"`
				FilingTo string `json:"filingTo"`
			} `json:"files"`
		} `json:"filings"`
	}
	if err := json.Unmarshal(readFile(t, subsFile), &subs); err != nil {
		t.Fatal(err)
	}
	var cik int64
	fmt.Sscan(subs.CIK, &cik)
	srv.File(fmt.Sprintf("/submissions/CIK%010d.json", cik), subsFile)

	sink := &memSink{}
	c := newCrawler(t, testConfig(t, srv), sink, nil)
	companies, err := c.ResolveTickers(ctx, subs.Tickers[:1])
	if err != nil {
		t.Fatal(err)
	}
	if companies[0].CIK != cik {
		t.Errorf("ticker %s resolved to CIK %d, want %d from its submissions file", subs.Tickers[0], companies[0].CIK, cik)
	}

	t.Run("submissions selection", func(t *testing.T) {
		recent := subs.Filings.Recent
		dates := recent["filingDate"]
		oldest := dates[len(dates)-1].(string)
		q := Query{Forms: []string{"10-K", "10-Q", "8-K"}, Since: date(t, oldest)}
		var want []string
		for i := range dates {
			form, items := recent["form"][i].(string), recent["items"][i].(string)
			if !slices.Contains(q.Forms, form) || (form == "8-K" && !strings.Contains(items, "2.02")) {
				continue
			}
			want = append(want, recent["accessionNumber"][i].(string))
		}
		refs, err := c.Filings(ctx, cik, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range refs {
			got = append(got, r.Accession)
		}
		if !slices.Equal(got, want) {
			t.Errorf("selected %d filings, want %d:\ngot  %v\nwant %v", len(got), len(want), got, want)
		}
		for _, p := range subs.Filings.Files {
			if p.FilingTo < oldest && srv.Count("/submissions/"+p.Name, 404)+srv.Count("/submissions/"+p.Name, 200) != 0 {
				t.Errorf("older page %s requested although --since is after its last filing", p.Name)
			}
		}

		// Fetch the two newest selected filings, with made-up documents.
		for _, r := range refs[:2] {
			srv.AddFiling(edgartest.Filing{CIK: r.CIK, Company: r.Company, Accession: r.Accession, Form: r.Form,
				Date: strings.ReplaceAll(r.FilingDate, "-", ""), Items: r.Items,
				Documents: []edgartest.Document{{Type: r.Form, Name: r.PrimaryDocument}}})
			if err := c.FetchFiling(ctx, r); err != nil {
				t.Fatal(err)
			}
			doc, ok := sink.byName(r.PrimaryDocument)
			if !ok {
				t.Fatalf("%s not fetched; failures %+v", r.PrimaryDocument, c.Failures())
			}
			if doc.Filing.Accession != r.Accession || doc.Filing.Form != r.Form || doc.Filing.FilingDate != r.FilingDate || doc.Filing.CIK != fmt.Sprintf("%010d", cik) {
				t.Errorf("%s envelope: got %+v, want accession %s form %s date %s", r.PrimaryDocument, doc.Filing, r.Accession, r.Form, r.FilingDate)
			}
		}
	})

	t.Run("index headers page", func(t *testing.T) {
		page := filepath.Join(corpus, "0000905729-24-000095-index-headers.html")
		raw := string(readFile(t, page))
		header := regexp.MustCompile(`<CIK>(\d+)`).FindStringSubmatch(raw)
		form := regexp.MustCompile(`(?m)^<TYPE>(\S+)`).FindStringSubmatch(raw)
		items := regexp.MustCompile(`(?m)^<ITEMS>(\S+)`).FindAllStringSubmatch(raw, -1)
		var filerCIK int64
		fmt.Sscan(strings.TrimLeft(header[1], "0"), &filerCIK)
		const accession = "0000905729-24-000095"
		srv.File(edgartest.Archive(filerCIK, accession, accession+"-index-headers.html"), page)

		// Documents of types the crawler takes, by a plain scan of the
		// escaped document list.
		var want []string
		blocks := strings.Split(raw, "&lt;DOCUMENT&gt;")[1:]
		for _, b := range blocks {
			typ := regexp.MustCompile(`&lt;TYPE&gt;(\S+)`).FindStringSubmatch(b)[1]
			name := regexp.MustCompile(`&lt;FILENAME&gt;(\S+)`).FindStringSubmatch(b)[1]
			if (typ == form[1] || strings.HasPrefix(typ, "EX-99")) && strings.HasSuffix(name, ".htm") {
				want = append(want, name)
				srv.Bytes(edgartest.Archive(filerCIK, accession, name), []byte("<html><body>"+name+"</body></html>"))
			}
		}
		hasResults := false
		for _, it := range items {
			hasResults = hasResults || it[1] == ItemResults
		}

		before := len(sink.names())
		ref := FilingRef{CIK: filerCIK, Accession: accession, Form: form[1]}
		if err := c.FetchFiling(ctx, ref); err != nil {
			t.Fatal(err)
		}
		fetched := len(sink.names()) - before
		if !hasResults && fetched != 0 {
			t.Errorf("8-K whose index lists items %v fetched %d documents, want 0 without Item 2.02", items, fetched)
		}

		// With the items given by a submissions file, the index only
		// lists the documents.
		ref.Items = []string{ItemResults}
		if err := c.FetchFiling(ctx, ref); err != nil {
			t.Fatal(err)
		}
		for _, name := range want {
			doc, ok := sink.byName(name)
			if !ok {
				t.Errorf("%s not fetched", name)
				continue
			}
			if doc.Filing.Company == "" || doc.Filing.FilingDate == "" {
				t.Errorf("%s: company %q and filing date %q, want both from the index page", name, doc.Filing.Company, doc.Filing.FilingDate)
			}
		}
	})

	t.Run("index json fallback", func(t *testing.T) {
		indexFile := filepath.Join(corpus, "0001213900-24-004875-index.json")
		var index struct {
			Directory struct {
				Name string `json:"name"`
				Item []struct {
					Name string `json:"name"`
				} `json:"item"`
			} `json:"directory"`
		}
		if err := json.Unmarshal(readFile(t, indexFile), &index); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(index.Directory.Name, "/")
		var filerCIK int64
		fmt.Sscan(parts[len(parts)-2], &filerCIK)
		const accession = "0001213900-24-004875"
		srv.File(edgartest.Archive(filerCIK, accession, "index.json"), indexFile)
		var primary string
		var want []string
		for _, it := range index.Directory.Item {
			lower := strings.ToLower(it.Name)
			if !strings.HasSuffix(lower, ".htm") || strings.HasPrefix(lower, "r") || strings.Contains(lower, "index") {
				continue
			}
			srv.Bytes(edgartest.Archive(filerCIK, accession, it.Name), []byte("<html><body>"+it.Name+"</body></html>"))
			switch {
			case strings.Contains(lower, "8k") && primary == "":
				primary = it.Name
				want = append(want, it.Name)
			case strings.Contains(lower, "ex99"):
				want = append(want, it.Name)
			}
		}
		ref := FilingRef{CIK: filerCIK, Accession: accession, Form: "8-K", Items: []string{ItemResults}, PrimaryDocument: primary}
		if err := c.FetchFiling(ctx, ref); err != nil {
			t.Fatal(err)
		}
		for _, name := range want {
			if _, ok := sink.byName(name); !ok {
				t.Errorf("%s not fetched through index.json; failures %+v", name, c.Failures())
			}
		}
		if len(want) < 2 {
			t.Errorf("found %d documents in index.json, want a primary document and exhibits", len(want))
		}
	})

	t.Run("daily form index", func(t *testing.T) {
		idxFile := filepath.Join(corpus, "form.20200318.idx")
		srv.File("/Archives/edgar/daily-index/2020/QTR1/form.20200318.idx", idxFile)
		lines := strings.Split(string(readFile(t, idxFile)), "\n")
		var body []string
		for i, l := range lines {
			if strings.HasPrefix(l, "---") {
				body = lines[i+1:]
				break
			}
		}
		var entries, firstTenK []string
		for _, l := range body {
			if strings.TrimSpace(l) == "" {
				continue
			}
			entries = append(entries, l)
			if firstTenK == nil && strings.HasPrefix(l, "10-K ") {
				firstTenK = strings.Fields(l)
			}
		}
		refs, err := ParseFormIndex(readFile(t, idxFile))
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) != len(entries) {
			t.Errorf("parsed %d filings, want %d index lines", len(refs), len(entries))
		}

		file := firstTenK[len(firstTenK)-1]
		var tenKCIK int64
		fmt.Sscan(firstTenK[len(firstTenK)-3], &tenKCIK)
		accession := strings.TrimSuffix(filepath.Base(file), ".txt")
		srv.AddFiling(edgartest.Filing{CIK: tenKCIK, Company: "Made-up Name", Accession: accession, Form: "10-K", Date: "20200318",
			Documents: []edgartest.Document{{Type: "10-K", Name: "annual-report.htm"}, {Type: "EX-99.1", Name: "exhibit.htm"}}})
		if err := c.CrawlDaily(ctx, date(t, "2020-03-18"), Query{Forms: []string{"10-K"}, CIKs: []int64{tenKCIK}}); err != nil {
			t.Fatal(err)
		}
		doc, ok := sink.byName("annual-report.htm")
		if !ok {
			t.Fatalf("10-K from the daily index not fetched; failures %+v", c.Failures())
		}
		if doc.Filing.Accession != accession || doc.Filing.FilingDate != "2020-03-18" || doc.Filing.Company == "Made-up Name" {
			t.Errorf("envelope: got %+v, want accession %s, date 2020-03-18 and the company from the index", doc.Filing, accession)
		}
		if _, ok := sink.byName("exhibit.htm"); !ok {
			t.Error("EX-99.1 of the 10-K not fetched")
		}
	})

	checkRate(t, srv, MaxRate)
	busiest, _ := srv.MaxPerSecond()
	t.Logf("%d requests, at most %d in one second; %+v", len(srv.Requests()), busiest, c.Stats())
	if f := c.Failures(); len(f) != 0 {
		t.Errorf("failures: %+v", f)
	}
}
