package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// viewCheck is a query over the analyst sample that returns one String
// value, and the value it must return. {db} stands for the database.
type viewCheck struct {
	name, query, want string
}

// concatRows returns a query that joins the rows of the inner query,
// formatted by expr, with ";" in the order of orderBy.
func concatRows(expr, from, orderBy string) string {
	return fmt.Sprintf("SELECT arrayStringConcat(groupArray(row), ';') FROM (SELECT %s AS row FROM %s ORDER BY %s)", expr, from, orderBy)
}

// analystChecks are the view results that the analyst sample must give,
// with the review decision of analystDecision written.
func analystChecks() []viewCheck {
	a1, a2 := docID("alpha1"), docID("alpha2")
	return []viewCheck{
		{"latest_metrics revenue",
			concatRows("concat(period_end, '=', value_text, '@', form, ' reports ', toString(reports))",
				"{db}.latest_metrics WHERE cik = '"+alphaCIK+"' AND metric = 'revenue'", "period_end"),
			"2022-12-31=101000000@10-K reports 2;2023-12-31=116000000@10-K reports 1"},
		{"latest_metrics eps accepted only",
			concatRows("concat(period_end, '=', value_text)", "{db}.latest_metrics WHERE cik = '"+alphaCIK+"' AND metric = 'eps_diluted'", "period_end"),
			"2022-12-31=1.00"},
		{"latest_metrics_all marks needs_review",
			concatRows("concat(period_end, '=', value_text, ' needs_review ', toString(needs_review))",
				"{db}.latest_metrics_all WHERE cik = '"+alphaCIK+"' AND metric = 'eps_diluted'", "period_end"),
			"2022-12-31=1.00 needs_review 0;2023-12-31=1.10 needs_review 1"},
		{"filing_sequence pairs by form",
			concatRows("concat(form, ' ', filing_date, ' after ', previous_filing_date)", "{db}.filing_sequence WHERE cik = '"+alphaCIK+"'", "form, filing_date"),
			"10-K 2023-02-01 after ;10-K 2024-02-01 after 2023-02-01;8-K 2024-05-01 after "},
		{"risk_changes",
			concatRows("concat(change, ': ', heading)", "{db}.risk_changes", "change, heading"),
			"new: Climate regulation;removed: Key personnel;reworded: Cyber  attacks and data breaches"},
		{"risk_changes documents",
			fmt.Sprintf("SELECT toString(countIf(doc_id = '%s' AND previous_doc_id = '%s' AND cik = '%s' AND company = 'Alpha Corp')) FROM {db}.risk_changes", a2, a1, alphaCIK),
			"3"},
		{"guidance_history",
			concatRows("concat(filing_date, ' ', low_text, '-', high_text, ' ', direction, '/', observed_direction, ' after ', previous_low_text, '-', previous_high_text)",
				"{db}.guidance_history WHERE cik = '"+alphaCIK+"' AND metric = 'revenue'", "filing_date"),
			"2024-02-01 105-110 initiated/initiated after -;2024-05-01 100-105 lowered/lowered after 105-110"},
		{"review_queue after the decision",
			concatRows("concat(kind, ': ', label, ' (', review_reason, ')')", "{db}.review_queue", "extracted_at, kind, label"),
			"metric: eps_diluted (xbrl_disagree);risk: Climate regulation (low_confidence)"},
		{"latest_risks one row per item",
			"SELECT toString(count()) FROM {db}.latest_risks WHERE doc_id = '" + a2 + "'", "3"},
		{"removed_risks rows",
			concatRows("concat(heading, ' from ', toString(previous_doc_id = '"+a1+"'))", "{db}.removed_risks FINAL", "heading"),
			"Key personnel from 1"},
		{"llm_calls cost in micro-dollars",
			"SELECT toString(toUInt64(sum(cost_usd) * 1000000)) FROM {db}.llm_calls", "1640"},
		{"extraction_runs per extraction",
			"SELECT toString(count()) FROM {db}.extraction_runs FINAL", "9"},
		{"latest_metrics keeps filings without CIK and name apart",
			concatRows("value_text", "{db}.latest_metrics WHERE cik = '' AND company = '' AND metric = 'revenue'", "value_text"),
			"7000000;8000000"},
		{"latest_metrics keys a company without CIK by name",
			concatRows("concat(period_end, '=', value_text, ' reports ', toString(reports))",
				"{db}.latest_metrics WHERE company_key = 'name:omega ltd' AND metric = 'revenue'", "period_end"),
			"2022-12-31=31000000 reports 2"},
		{"filing_sequence pairs a company by name",
			concatRows("concat(filing_date, ' after ', previous_filing_date)", "{db}.filing_sequence WHERE lowerUTF8(company) = 'omega ltd'", "filing_date"),
			"2023-03-01 after ;2024-03-01 after 2023-03-01"},
		{"latest_metrics leaves out periods without a start",
			concatRows("concat(period_start, '..', period_end, '=', value_text, ' reports ', toString(reports))",
				"{db}.latest_metrics WHERE cik = '"+betaCIK+"' AND metric = 'revenue'", "period_end"),
			"2023-01-01..2023-12-31=5000000 reports 1"},
		{"latest_metrics_all keeps periods without a start apart",
			concatRows("concat(toString(period_known), ' ', source, ' ', value_text, ' reports ', toString(reports))",
				"{db}.latest_metrics_all WHERE cik = '"+betaCIK+"' AND metric = 'revenue'", "period_known, value_text"),
			"0 table 1200000 reports 1;0 table 5000000 reports 1;1 ixbrl 5000000 reports 1"},
		{"docs query figures that changed",
			concatRows("concat(company_key, ' ', metric, ' ', period_end, ' ', arrayStringConcat(reported_values, '>'))",
				"("+docsQuery("Figures that changed between filings")+")", "company_key"),
			"cik:" + alphaCIK + " revenue 2022-12-31 100000000>101000000;name:omega ltd revenue 2022-12-31 30000000>31000000"},
		{"docs query new risk factors",
			concatRows("concat(company, ' ', toString(as_of), ' ', as_of_source, ' ', heading)",
				"("+strings.ReplaceAll(docsQuery("New risk factors this quarter"), "toStartOfQuarter(today())", "toDate('2024-01-01')")+")", "heading"),
			"Alpha Corp 2024-02-01 filing_date Climate regulation"},
		{"guidance_history keeps filings without CIK apart",
			concatRows("concat(low_text, ' ', observed_direction)", "{db}.guidance_history WHERE cik = ''", "low_text"),
			"7 initiated;8 initiated"},
	}
}

// reviewQueueBefore is the queue before analystDecision.
const reviewQueueBefore = "metric: eps_diluted (xbrl_disagree);risk: Climate regulation (low_confidence);risk: Customer concentration (low_confidence)"

// docsQuery returns the first sql block under the heading "## heading" of
// docs/queries.md with {db} in place of the database, or a query that
// fails and names the heading when there is none.
func docsQuery(heading string) string {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "queries.md"))
	if err != nil {
		return "SELECT throwIf(1, 'docs/queries.md: " + err.Error() + "')"
	}
	re := regexp.MustCompile("(?s)\n## " + regexp.QuoteMeta(heading) + "\n[^#]*?```sql\n(.*?)```")
	m := re.FindSubmatch(data)
	if m == nil {
		return "SELECT throwIf(1, 'docs/queries.md: no sql block under " + heading + "')"
	}
	return strings.ReplaceAll(strings.TrimSpace(string(m[1])), "finx.", "{db}.")
}

// docsQueries returns the sql blocks of docs/queries.md.
func docsQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "queries.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(data), -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	if len(out) < 10 {
		t.Fatalf("docs/queries.md: got %d sql blocks, want at least 10", len(out))
	}
	return out
}

// analystWriter is the part of Sink and FileSink that the analyst sample
// needs.
type analystWriter interface {
	Write(ctx context.Context, results []*schemas.Result) error
	WriteDeadLetters(ctx context.Context, letters []schemas.DeadLetter) error
	WriteReviewDecisions(ctx context.Context, decisions []schemas.ReviewDecision) error
}

// writeAnalystSample writes the sample with one Write per result, so that
// the replay of alpha2 is a second version, and the dead letters.
func writeAnalystSample(t *testing.T, w analystWriter) {
	t.Helper()
	ctx := context.Background()
	for _, res := range analystSample() {
		if err := w.Write(ctx, []*schemas.Result{res}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteDeadLetters(ctx, analystDeadLetters()); err != nil {
		t.Fatal(err)
	}
}

func TestViewsOnServer(t *testing.T) {
	s := openTestSink(t, Config{})
	writeAnalystSample(t, s)
	db := quoteIdent(s.Database())
	queue := concatRows("concat(kind, ': ', label, ' (', review_reason, ')')", db+".review_queue", "extracted_at, kind, label")
	if got := queryString(t, s, queue); got != reviewQueueBefore {
		t.Errorf("review_queue before the decision: got %q, want %q", got, reviewQueueBefore)
	}
	if err := s.WriteReviewDecisions(context.Background(), []schemas.ReviewDecision{analystDecision()}); err != nil {
		t.Fatal(err)
	}
	t.Run("ReviewQueue", func(t *testing.T) {
		items, err := s.ReviewQueue(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 {
			t.Fatalf("ReviewQueue(1): got %d items, want 1", len(items))
		}
		it := items[0]
		want := ReviewItem{Kind: schemas.KindMetric, DocID: docID("alpha2"), ItemID: itemID(docID("alpha2"), "eps_diluted2023-12-31"),
			CIK: alphaCIK, Company: "Alpha Corp", Form: "10-K", FilingDate: "2024-02-01", Label: "eps_diluted",
			ReviewReason: "xbrl_disagree", Confidence: 1, Provider: "offline",
			ExtractedAt: time.Date(2025, 1, 11, 11, 0, 0, 0, time.UTC)}
		if !it.ExtractedAt.Equal(want.ExtractedAt) {
			t.Errorf("ExtractedAt: got %v, want %v", it.ExtractedAt, want.ExtractedAt)
		}
		it.ExtractedAt = want.ExtractedAt
		if it != want {
			t.Errorf("got %+v, want %+v", it, want)
		}
		all, err := s.ReviewQueue(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("ReviewQueue(0): got %d items, want 2", len(all))
		}
	})
	for _, c := range analystChecks() {
		t.Run(c.name, func(t *testing.T) {
			if got := queryString(t, s, strings.ReplaceAll(c.query, "{db}", db)); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestDocsQueries runs every sql block of docs/queries.md on the server,
// over the analyst sample, and reads all rows.
func TestDocsQueries(t *testing.T) {
	s := openTestSink(t, Config{})
	writeAnalystSample(t, s)
	if err := s.WriteReviewDecisions(context.Background(), []schemas.ReviewDecision{analystDecision()}); err != nil {
		t.Fatal(err)
	}
	for i, q := range docsQueries(t) {
		t.Run(fmt.Sprintf("query %d", i+1), func(t *testing.T) {
			query := strings.ReplaceAll(q, "finx.", quoteIdent(s.Database())+".")
			rows, err := s.conn.Query(context.Background(), query)
			if err != nil {
				t.Fatalf("%v\n%s", err, query)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("%v\n%s", err, query)
			}
			t.Logf("%d rows", n)
		})
	}
}

// chdbAnalystRun writes the analyst sample with a FileSink, replaces
// schema.sql with the DDL of the path, and runs the view checks and the
// queries of docs/queries.md on chdb.
func chdbAnalystRun(t *testing.T, p Path) {
	python := chdbPython(t)
	dir := filepath.Join(t.TempDir(), "finx-out")
	fs, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeAnalystSample(t, fs)
	if err := fs.WriteReviewDecisions(context.Background(), []schemas.ReviewDecision{analystDecision()}); err != nil {
		t.Fatal(err)
	}
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	schema := strings.Join(DDLFor(DefaultDatabase, p), ";\n\n") + ";\n"
	if err := os.WriteFile(filepath.Join(dir, SchemaFile), []byte(schema), 0o644); err != nil {
		t.Fatal(err)
	}

	queries := make(map[string]string)
	checks := analystChecks()
	for _, c := range checks {
		queries[c.name] = strings.ReplaceAll(c.query, "{db}", DefaultDatabase)
	}
	docs := docsQueries(t)
	for i, q := range docs {
		queries[fmt.Sprintf("docs %02d", i+1)] = q
	}
	out := runChdb(t, python, dir, queries)

	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			rows, ok := out.Queries[c.name]
			if !ok || len(rows) != 1 || len(rows[0]) != 1 {
				t.Fatalf("got %v, want one row with one column", rows)
			}
			for _, raw := range rows[0] {
				var got string
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("value %s: %v", raw, err)
				}
				if got != c.want {
					t.Errorf("got %q, want %q", got, c.want)
				}
			}
		})
	}
	var names []string
	for name := range queries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := out.Queries[name]; !ok {
			t.Errorf("query %s: no result from chdb", name)
		}
	}
	t.Logf("ClickHouse %s, %s path: %d view checks and %d queries of docs/queries.md ran", out.Version, p, len(checks), len(docs))
}

func TestChdbViewsPortable(t *testing.T) { chdbAnalystRun(t, PathPortable) }

func TestChdbViewsCurrent(t *testing.T) { chdbAnalystRun(t, PathCurrent) }
