package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// goldRow is the part of a gold.jsonl line that the corpus test stores.
type goldRow struct {
	File      string      `json:"file"`
	Kind      string      `json:"kind"`
	Label     string      `json:"label"`
	Quote     string      `json:"quote"`
	Period    *string     `json:"period"`
	Page      *int        `json:"page"`
	Scale     int         `json:"scale"`
	ValueBase *string     `json:"value_base"`
	Low       json.Number `json:"low"`
	High      json.Number `json:"high"`
}

// goldResults turns the hand-checked facts of the corpus into one result per
// document, as an extractor that found every fact would produce.
func goldResults(t *testing.T, corpus string) []*schemas.Result {
	t.Helper()
	f, err := os.Open(filepath.Join(corpus, "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	byFile := make(map[string]*schemas.Result)
	var order []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		// UseNumber keeps guidance ends such as 4.35 as printed.
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var g goldRow
		if err := dec.Decode(&g); err != nil {
			t.Fatalf("gold.jsonl line %d: %v", n, err)
		}
		res, ok := byFile[g.File]
		if !ok {
			res = goldDocument(t, corpus, g.File)
			byFile[g.File] = res
			order = append(order, g.File)
		}
		if err := addGoldItem(res, g, fmt.Sprintf("%016x", n)); err != nil {
			t.Fatalf("gold.jsonl line %d: %v", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	out := make([]*schemas.Result, len(order))
	for i, file := range order {
		out[i] = byFile[file]
	}
	return out
}

// goldDocument returns an empty result for the corpus file, with the
// document id that finx gives it: the SHA-256 of its content.
func goldDocument(t *testing.T, corpus, file string) *schemas.Result {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(corpus, file))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	res := &schemas.Result{
		SchemaVersion: schemas.SchemaVersion,
		Filing: schemas.Filing{DocID: hex.EncodeToString(sum[:]), SourcePath: file,
			MediaType: schemas.MediaText, Size: int64(len(content))},
		Provider:    "gold",
		ExtractedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	res.FillEmpty()
	return res
}

// addGoldItem appends the gold fact to res as a metric, guidance item or
// risk with the given id.
func addGoldItem(res *schemas.Result, g goldRow, id string) error {
	page := 0
	if g.Page != nil {
		page = *g.Page
	}
	period := ""
	if g.Period != nil {
		period = *g.Period
	}
	cite := schemas.Citation{Quote: g.Quote, End: len(g.Quote), CharEnd: len([]rune(g.Quote)),
		Page: page, SourceOffset: -1, Match: schemas.MatchExact}

	switch g.Kind {
	case "number":
		if g.ValueBase == nil {
			return errors.New("number without value_base")
		}
		res.Metrics = append(res.Metrics, schemas.Metric{ID: id, Metric: "other", Label: g.Label,
			Value: *g.ValueBase, Display: g.Quote, Scale: g.Scale, PeriodType: "unknown",
			Source: "text", XBRLCheck: "no_fact", Citation: cite, Status: schemas.StatusAccepted,
			Confidence: 1, Provider: "gold"})
	case "guidance":
		res.Guidance = append(res.Guidance, schemas.Guidance{ID: id, Metric: "other", Label: g.Label,
			Period: period, Low: g.Low.String(), High: g.High.String(), Scale: g.Scale,
			Basis: "unspecified", Direction: "unspecified", Citation: cite,
			Status: schemas.StatusAccepted, Confidence: 1, Provider: "gold"})
	case "risk":
		res.Risks = append(res.Risks, schemas.Risk{ID: id, Heading: g.Label, Category: "other",
			Severity: "medium", Citation: cite, Status: schemas.StatusAccepted, Confidence: 1, Provider: "gold"})
	default:
		return fmt.Errorf("unknown kind %q", g.Kind)
	}
	return nil
}

// TestCorpusGoldRoundTrip stores every fact of the corpus gold set through
// the server sink and through the file sink, and checks that each decimal
// and each quote reads back exactly.
func TestCorpusGoldRoundTrip(t *testing.T) {
	corpus := testenv.Corpus(t)
	results := goldResults(t, corpus)
	native := openTestSink(t, Config{})
	fileDB := native.Database() + "_files"
	t.Cleanup(func() { exec1(t, native, "DROP DATABASE IF EXISTS "+fileDB) })
	ctx := context.Background()

	start := time.Now()
	if err := native.Write(ctx, results); err != nil {
		t.Fatal(err)
	}
	t.Logf("native Write of %d documents: %v", len(results), time.Since(start))

	dir := t.TempDir()
	fs, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Write(ctx, results); err != nil {
		t.Fatal(err)
	}
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	clickhouseClient(t, []byte(strings.Join(DDL(fileDB), ";\n")+";\n"), "--multiquery")
	for _, table := range Tables() {
		data, err := os.ReadFile(filepath.Join(dir, table.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 0 {
			clickhouseClient(t, data, "--query", fmt.Sprintf("INSERT INTO %s.%s FORMAT JSONEachRow", fileDB, table.Name))
		}
	}

	var metrics, guidance, risks int
	for _, r := range results {
		metrics += len(r.Metrics)
		guidance += len(r.Guidance)
		risks += len(r.Risks)
	}
	for _, db := range []string{native.Database(), fileDB} {
		t.Run(db, func(t *testing.T) {
			checks := []struct {
				name  string
				query string
				want  uint64
			}{
				{"documents", "SELECT count() FROM %s.filings", uint64(len(results))},
				{"metrics", "SELECT count() FROM %s.metrics", uint64(metrics)},
				{"exact metric values", "SELECT count() FROM %s.metrics WHERE value = toDecimal128(value_text, 6)", uint64(metrics)},
				{"guidance", "SELECT count() FROM %s.guidance", uint64(guidance)},
				{"exact guidance ranges", "SELECT count() FROM %s.guidance WHERE low = toDecimal128(low_text, 6) AND high = toDecimal128(high_text, 6)", uint64(guidance)},
				{"risks", "SELECT count() FROM %s.risks", uint64(risks)},
			}
			for _, c := range checks {
				if got := queryCount(t, native, fmt.Sprintf(c.query, db)); got != c.want {
					t.Errorf("%s: got %d, want %d", c.name, got, c.want)
				}
			}
			// Each quote reads back byte for byte.
			rows, err := native.conn.Query(ctx, fmt.Sprintf("SELECT id, quote FROM %s.metrics UNION ALL SELECT id, quote FROM %s.guidance UNION ALL SELECT id, quote FROM %s.risks", db, db, db))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			want := make(map[string]string)
			for _, r := range results {
				for _, m := range r.Metrics {
					want[m.ID] = m.Citation.Quote
				}
				for _, g := range r.Guidance {
					want[g.ID] = g.Citation.Quote
				}
				for _, k := range r.Risks {
					want[k.ID] = k.Citation.Quote
				}
			}
			seen := 0
			for rows.Next() {
				var id, quote string
				if err := rows.Scan(&id, &quote); err != nil {
					t.Fatal(err)
				}
				seen++
				if quote != want[id] {
					t.Errorf("quote of %s: got %q, want %q", id, quote, want[id])
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if seen != len(want) {
				t.Errorf("quotes read back: got %d, want %d", seen, len(want))
			}
		})
	}
	if !t.Failed() {
		t.Logf("gold set: %d documents, %d metrics, %d guidance ranges, %d risks stored exactly by both sinks", len(results), metrics, guidance, risks)
	}
}
