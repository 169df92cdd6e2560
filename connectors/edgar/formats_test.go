package edgar

import (
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/edgar/edgartest"
	"github.com/finx-dev/finx/schemas"
)

func TestParseIndexHeaders(t *testing.T) {
	f := testFilings[1]
	idx, err := ParseIndexHeaders(f.IndexHeaders())
	if err != nil {
		t.Fatal(err)
	}
	if idx.Form != "8-K" || idx.CIK != 1234567 || idx.FilingDate != "2024-01-25" || idx.Company != "ACME WIDGET CORP" {
		t.Errorf("header: got %+v", idx)
	}
	if !slices.Equal(idx.Items, []string{"2.02", "9.01"}) {
		t.Errorf("items: got %v, want [2.02 9.01]", idx.Items)
	}
	if len(idx.Documents) != len(f.Documents) {
		t.Fatalf("documents: got %d, want %d", len(idx.Documents), len(f.Documents))
	}
	for i, d := range idx.Documents {
		if d.Type != f.Documents[i].Type || d.Filename != f.Documents[i].Name || d.Sequence != i+1 {
			t.Errorf("document %d: got %+v, want type %s file %s sequence %d", i, d, f.Documents[i].Type, f.Documents[i].Name, i+1)
		}
	}

	if _, err := ParseIndexHeaders([]byte("<html>Not Found</html>")); err == nil {
		t.Error("a page without a header parsed without error")
	}
}

func TestParseFormIndex(t *testing.T) {
	refs, err := ParseFormIndex(readFile(t, "testdata/form.20240125.idx"))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 4 {
		t.Fatalf("got %d filings, want 4", len(refs))
	}
	want := FilingRef{CIK: 1111111, Company: "Example Fund LLC", Form: "1-A POS", Accession: "0001111111-24-000001", FilingDate: "2024-01-25"}
	if got := refs[1]; got.CIK != want.CIK || got.Company != want.Company || got.Form != want.Form || got.Accession != want.Accession || got.FilingDate != want.FilingDate {
		t.Errorf("form with a space: got %+v, want %+v", got, want)
	}

	master := "Description: Master Index\n\nCIK|Company Name|Form Type|Date Filed|Filename\n--------------------------------------------------------------------------------\n" +
		"1234567|Acme Widget Corp|10-K|2024-02-10|edgar/data/1234567/0001234567-24-000010.txt\n" +
		"7654321|Caf\xe9 Holdings|8-K|2024-02-10|edgar/data/7654321/0007654321-24-000011.txt\n"
	refs, err = ParseFormIndex([]byte(master))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 || refs[0].Form != "10-K" || refs[0].Accession != "0001234567-24-000010" {
		t.Fatalf("master index: got %+v", refs)
	}
	if refs[1].Company != "Café Holdings" {
		t.Errorf("Latin-1 company name: got %q, want %q", refs[1].Company, "Café Holdings")
	}

	if _, err := ParseFormIndex([]byte("<html>Not Found</html>")); err == nil {
		t.Error("a page without an index header parsed without error")
	}
}

func TestParseLatestFeed(t *testing.T) {
	refs, err := ParseLatestFeed(readFile(t, "testdata/latest-8k.atom"))
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 {
		t.Fatalf("got %d filings (%+v), want 2: the filer and subject entries share an accession", len(refs), refs)
	}
	got := refs[0]
	if got.Accession != "0001234567-24-000004" || got.CIK != 1234567 || got.Form != "8-K" || got.Company != "Acme Widget Corp" || got.FilingDate != "2024-01-25" {
		t.Errorf("first entry: got %+v", got)
	}
}

func TestParseSubmissionsUnequalColumns(t *testing.T) {
	data := `{"cik":"1","name":"X","filings":{"recent":{"accessionNumber":["a","b"],"filingDate":["2024-01-01"],"form":["10-K","10-K"],"primaryDocument":["x","y"]},"files":[]}}`
	if _, err := ParseSubmissions([]byte(data)); err == nil || !strings.Contains(err.Error(), "unequal") {
		t.Errorf("got %v, want an error on columns of unequal length", err)
	}
}

func TestParseSubmissionsReportDate(t *testing.T) {
	data := `{"cik":"1","name":"X","filings":{"recent":{"accessionNumber":["a","b"],"filingDate":["2024-02-01","2024-05-01"],"reportDate":["2023-12-31",""],"form":["10-K","8-K"],"primaryDocument":["x","y"]},"files":[]}}`
	s, err := ParseSubmissions([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Filings[0].ReportDate; got != "2023-12-31" {
		t.Errorf("10-K report date: got %q, want 2023-12-31", got)
	}
	if got := s.Filings[1].ReportDate; got != "" {
		t.Errorf("8-K report date: got %q, want empty", got)
	}
	withoutColumn := `{"cik":"1","name":"X","filings":{"recent":{"accessionNumber":["a"],"filingDate":["2024-02-01"],"form":["10-K"],"primaryDocument":["x"]},"files":[]}}`
	if _, err := ParseSubmissions([]byte(withoutColumn)); err != nil {
		t.Errorf("submissions without reportDate: got %v, want them read", err)
	}
}

func TestSelect(t *testing.T) {
	refs := []FilingRef{
		{Form: "10-K", FilingDate: "2024-02-10"},
		{Form: "8-K", FilingDate: "2024-01-25", Items: []string{"2.02", "9.01"}},
		{Form: "8-K", FilingDate: "2024-01-05", Items: []string{"5.02"}},
		{Form: "8-K", FilingDate: "2024-01-04"},
		{Form: "10-K/A", FilingDate: "2024-03-01"},
		{Form: "10-Q", FilingDate: "2023-11-01"},
	}
	got := Select(refs, Query{Forms: []string{"10-K", "8-K"}, Since: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)})
	var dates []string
	for _, r := range got {
		dates = append(dates, r.FilingDate)
	}
	// The 8-K without items is kept for FetchFiling to check its index.
	want := []string{"2024-02-10", "2024-01-25", "2024-01-04"}
	if !slices.Equal(dates, want) {
		t.Errorf("selected filing dates: got %v, want %v", dates, want)
	}
}

func TestCheckUserAgent(t *testing.T) {
	cases := map[string]bool{
		"Finx Tests tests@example.com":     true,
		"tests@example.com Finx":           true,
		"Sample Company Name admin@x.org":  true,
		"tests@example.com":                false,
		"Finx Tests":                       false,
		"colly - https://github.com/gocol": false,
		"   ":                              false,
	}
	for ua, valid := range cases {
		if err := CheckUserAgent(ua); (err == nil) != valid {
			t.Errorf("CheckUserAgent(%q) = %v, want valid %v", ua, err, valid)
		}
	}
}

func TestFileStateIgnoresCutOffLine(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Mark(ctx, "a", KindDocument, schemas.Filing{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A crash in the middle of a write leaves half a record.
	f, err := os.OpenFile(filepath.Join(dir, StateFileName), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"key":"b","ki`)
	f.Close()

	s, err = OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, "c", KindFiling, schemas.Filing{}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if got, _ := s.Done(ctx, key); got != want {
			t.Errorf("Done(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestDirSinkWritesSidecar(t *testing.T) {
	dir := t.TempDir()
	doc := Document{FileName: "../x.htm", Content: []byte("<html></html>")}
	doc.Filing.CIK = "0001234567"
	doc.Filing.Accession = "0001234567-24-000004"
	doc.Filing.Form = "EX-99.1"
	doc.Filing.Company = "Acme Widget Corp"
	doc.Filing.FilingDate = "2024-01-25"
	doc.Filing.SourcePath = "https://www.sec.gov/Archives/edgar/data/1234567/000123456724000004/x.htm"
	if err := (DirSink{Dir: dir}).Put(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	// The name from EDGAR cannot leave the filing folder.
	target := filepath.Join(dir, "0001234567", "0001234567-24-000004", "_x.htm")
	if got := string(readFile(t, target)); got != "<html></html>" {
		t.Errorf("document: got %q", got)
	}
	var meta Sidecar
	if err := json.Unmarshal(readFile(t, target+SidecarSuffix), &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Form != "EX-99.1" || meta.Accession != doc.Filing.Accession || meta.SourceURL != doc.Filing.SourcePath || meta.FilingDate != "2024-01-25" {
		t.Errorf("sidecar: got %+v", meta)
	}
}

func FuzzParseIndexHeaders(f *testing.F) {
	f.Add(testFilings[1].IndexHeaders())
	f.Add([]byte("</SEC-HEADER><DOCUMENT>\n<FILENAME>x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ParseIndexHeaders(data)
		if err == nil && len(idx.Documents) == 0 {
			t.Error("no error and no documents")
		}
	})
}

func FuzzParseFormIndex(f *testing.F) {
	f.Add([]byte("Form Type   Company Name   CIK   Date Filed  File Name\n---\n10-K  A  1  20240101  edgar/data/1/0000000001-24-000001.txt\n"))
	f.Add([]byte("CIK|Company Name|Form Type|Date Filed|Filename\n---\n1|A|10-K|2024-01-01|edgar/data/1/0000000001-24-000001.txt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ParseFormIndex(data)
		if err != nil {
			return
		}
		for _, r := range refs {
			if len(r.Accession) != 20 {
				t.Errorf("accession %q is not 20 characters", r.Accession)
			}
		}
	})
}

func TestFileStateRecordsMetadata(t *testing.T) {
	srv := newFakeEDGAR(t, edgartest.Config{})
	dir := t.TempDir()
	state, err := OpenFileState(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := newCrawler(t, testConfig(t, srv), &memSink{}, state)
	q := Query{Forms: []string{"8-K"}, Since: date(t, "2024-01-20"), Until: date(t, "2024-01-31")}
	if err := c.CrawlCompanies(context.Background(), []int64{1234567}, q); err != nil {
		t.Fatal(err)
	}
	state.Close()

	data, err := os.ReadFile(filepath.Join(dir, StateFileName))
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]StateRecord{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec StateRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("state line %q: %v", line, err)
		}
		records[path.Base(rec.Key)] = rec
	}

	exhibit := records["acme-ex991_20240125.htm"]
	wantExhibit := StateRecord{Kind: KindDocument, Accession: "0001234567-24-000004", CIK: "0001234567", Form: "EX-99.1"}
	if got := (StateRecord{Kind: exhibit.Kind, Accession: exhibit.Accession, CIK: exhibit.CIK, Form: exhibit.Form}); got != wantExhibit {
		t.Errorf("exhibit record: got %+v, want %+v", got, wantExhibit)
	}
	if exhibit.URL != exhibit.Key || !strings.HasPrefix(exhibit.URL, srv.URL+"/Archives/") {
		t.Errorf("exhibit record: got URL %q for key %q, want the document URL", exhibit.URL, exhibit.Key)
	}
	if len(exhibit.DocID) != 64 {
		t.Errorf("exhibit record: got doc_id %q, want the SHA-256 of the document", exhibit.DocID)
	}

	filing := records["0001234567-24-000004"]
	if filing.Kind != KindFiling || filing.Form != "8-K" || filing.CIK != "0001234567" {
		t.Errorf("filing record: got %+v, want kind filing, form 8-K and CIK 0001234567", filing)
	}
	if want := srv.URL + "/Archives/edgar/data/1234567/000123456724000004/"; filing.URL != want {
		t.Errorf("filing record: got URL %q, want the Archives folder %q", filing.URL, want)
	}
}
