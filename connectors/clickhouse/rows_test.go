package clickhouse

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goType returns the Go type name that a Row value must have for a column
// of the ClickHouse type.
func goType(chType string) string {
	switch chType {
	case "String":
		return "string"
	case typeDecimal:
		return "*string"
	case typeCost:
		return "costDecimal"
	case "Int32":
		return "int32"
	case "Int64":
		return "int64"
	case "UInt16":
		return "uint16"
	case "UInt32":
		return "uint32"
	case "UInt64":
		return "uint64"
	case "Float64":
		return "float64"
	case "Array(String)":
		return "[]string"
	case typeTime:
		return "time.Time"
	}
	return "unknown ClickHouse type " + chType
}

func checkRowTypes(t *testing.T, table Table, rows []Row) {
	t.Helper()
	for i, row := range rows {
		if len(row) != len(table.Columns) {
			t.Fatalf("%s row %d: got %d values, want %d", table.Name, i, len(row), len(table.Columns))
		}
		for j, c := range table.Columns {
			got := typeName(row[j])
			if want := goType(c.Type); got != want {
				t.Errorf("%s row %d column %s: got Go type %s, want %s", table.Name, i, c.Name, got, want)
			}
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case *string:
		return "*string"
	case costDecimal:
		return "costDecimal"
	case int32:
		return "int32"
	case int64:
		return "int64"
	case uint16:
		return "uint16"
	case uint32:
		return "uint32"
	case uint64:
		return "uint64"
	case float64:
		return "float64"
	case []string:
		return "[]string"
	case time.Time:
		return "time.Time"
	}
	return "other"
}

func TestRowsMatchColumns(t *testing.T) {
	rows, err := Rows(sampleResult())
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range Tables() {
		switch table.Name {
		case TableDeadLetters:
			checkRowTypes(t, table, []Row{DeadLetterRow(ptr(sampleDeadLetter()))})
			continue
		case TableReviewDecisions:
			checkRowTypes(t, table, []Row{ReviewDecisionRow(ptr(sampleReviewDecision()))})
			continue
		}
		got, ok := rows[table.Name]
		if !ok {
			t.Errorf("Rows has no entry for table %s", table.Name)
			continue
		}
		checkRowTypes(t, table, got)
	}
	wantCounts := map[string]int{TableFilings: 1, TableRisks: 1, TableMetrics: 5, TableGuidance: 1,
		TableRemovedRisks: 1, TableLLMCalls: 2, TableExtractionRuns: 1}
	for name, want := range wantCounts {
		if got := len(rows[name]); got != want {
			t.Errorf("%s: got %d rows, want %d", name, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// column returns the value of the named column in row.
func column(t *testing.T, table Table, row Row, name string) any {
	t.Helper()
	for i, c := range table.Columns {
		if c.Name == name {
			return row[i]
		}
	}
	t.Fatalf("table %s has no column %s", table.Name, name)
	return nil
}

func TestRowsValues(t *testing.T) {
	res := sampleResult()
	rows, err := Rows(res)
	if err != nil {
		t.Fatal(err)
	}
	filing := rows[TableFilings][0]
	if got, want := column(t, tableFilings, filing, "version"), uint64(res.ExtractedAt.UnixNano()); got != want {
		t.Errorf("filings.version: got %v, want %v", got, want)
	}
	if got, want := column(t, tableFilings, filing, "extracted_at"), time.Date(2025, 2, 3, 14, 5, 6, 0, time.UTC); got != want {
		t.Errorf("filings.extracted_at: got %v, want %v", got, want)
	}
	if got := column(t, tableFilings, filing, "sections").([]string); strings.Join(got, ",") != "item_1a,item_7" {
		t.Errorf("filings.sections: got %q, want [item_1a item_7]", got)
	}
	if got := column(t, tableFilings, filing, "metric_count"); got != uint32(5) {
		t.Errorf("filings.metric_count: got %v, want 5", got)
	}

	metricCases := []struct {
		id, wantValue, wantText string
		wantNull                bool
	}{
		{"1111111111111111", "391035000000", "391035000000", false},
		{"2222222222222222", "-0.04", "-0.04", false},
		{"3333333333333333", "0.33", "0.33", false},
		{"4444444444444444", "39000966000", "39000966000", false},
		{"5555555555555555", "", "1234567890123456789012345678901234", true},
	}
	for i, c := range metricCases {
		t.Run("metric "+c.id, func(t *testing.T) {
			row := rows[TableMetrics][i]
			if got := column(t, tableMetrics, row, "id"); got != c.id {
				t.Fatalf("id: got %v, want %s", got, c.id)
			}
			value := column(t, tableMetrics, row, "value").(*string)
			switch {
			case c.wantNull && value != nil:
				t.Errorf("value: got %q, want NULL", *value)
			case !c.wantNull && value == nil:
				t.Errorf("value: got NULL, want %s", c.wantValue)
			case !c.wantNull && *value != c.wantValue:
				t.Errorf("value: got %s, want %s", *value, c.wantValue)
			}
			if got := column(t, tableMetrics, row, "value_text"); got != c.wantText {
				t.Errorf("value_text: got %v, want %s", got, c.wantText)
			}
		})
	}
	dims := column(t, tableMetrics, rows[TableMetrics][0], "dimensions").([]string)
	if len(dims) != 1 || dims[0] != "srt:ProductOrServiceAxis=ex:WidgetsMember" {
		t.Errorf("metrics.dimensions: got %q, want [srt:ProductOrServiceAxis=ex:WidgetsMember]", dims)
	}
	g := rows[TableGuidance][0]
	if got := column(t, tableGuidance, g, "prior_high").(*string); got != nil {
		t.Errorf("guidance.prior_high: got %q for an empty value, want NULL", *got)
	}
	if got := column(t, tableGuidance, g, "high").(*string); got == nil || *got != "4.5" {
		t.Errorf("guidance.high: got %v, want 4.5", got)
	}
}

func TestRowsNewTables(t *testing.T) {
	res := sampleResult()
	rows, err := Rows(res)
	if err != nil {
		t.Fatal(err)
	}
	calls := rows[TableLLMCalls]
	costs := []struct {
		cost costDecimal
		text string
	}{
		{"0.001234567891", "0.001234567891"},
		{"0", "0.0000000000001"},
	}
	for i, c := range costs {
		if got := column(t, tableLLMCalls, calls[i], "cost_usd"); got != c.cost {
			t.Errorf("llm_calls row %d cost_usd: got %v, want %v", i, got, c.cost)
		}
		if got := column(t, tableLLMCalls, calls[i], "cost_usd_text"); got != c.text {
			t.Errorf("llm_calls row %d cost_usd_text: got %v, want %s", i, got, c.text)
		}
	}
	if got, want := column(t, tableLLMCalls, calls[0], "called_at"), time.Date(2025, 2, 3, 14, 4, 59, 123_000_000, time.UTC); got != want {
		t.Errorf("llm_calls.called_at: got %v, want %v with milliseconds", got, want)
	}

	run := rows[TableExtractionRuns][0]
	runCases := []struct {
		column string
		want   any
	}{
		{"needs_review_count", uint32(2)},
		{"llm_call_count", uint32(2)},
		{"prompt_cache_miss_tokens", uint64(3400)},
		{"removed_risk_count", uint32(1)},
		{"degraded", "llm_unavailable"},
		{"cik", "0000123456"},
	}
	for _, c := range runCases {
		if got := column(t, tableExtractionRuns, run, c.column); got != c.want {
			t.Errorf("extraction_runs.%s: got %v, want %v", c.column, got, c.want)
		}
	}

	removed := rows[TableRemovedRisks][0]
	if got := column(t, tableRemovedRisks, removed, "previous_doc_id"); got != previousDocID {
		t.Errorf("removed_risks.previous_doc_id: got %v, want %s", got, previousDocID)
	}
	risk := rows[TableRisks][0]
	for name, want := range map[string]string{"change": "reworded", "previous_id": "fedcba9876543210", "model": "deepseek-chat", "cik": "0000123456"} {
		if got := column(t, tableRisks, risk, name); got != want {
			t.Errorf("risks.%s: got %v, want %s", name, got, want)
		}
	}
	decision := ReviewDecisionRow(ptr(sampleReviewDecision()))
	if got, want := column(t, tableReviewDecisions, decision, "version"), uint64(sampleReviewDecision().DecidedAt.UnixNano()); got != want {
		t.Errorf("review_decisions.version: got %v, want %v", got, want)
	}
}

func TestCostValue(t *testing.T) {
	cases := []struct {
		in   string
		want costDecimal
	}{
		{"0.27", "0.27"},
		{"000.000000000001", "0.000000000001"},
		{"0.0000000000001", "0"},
		{"12345678901234567890123456", "12345678901234567890123456"},
		{"123456789012345678901234567", "0"},
		{"", "0"},
		{"1e-6", "0"},
	}
	for _, c := range cases {
		if got := costValue(c.in); got != c.want {
			t.Errorf("costValue(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRowsErrors(t *testing.T) {
	t.Run("nil result", func(t *testing.T) {
		if _, err := Rows(nil); err == nil {
			t.Fatal("got nil error, want an error")
		}
	})
	t.Run("missing doc id", func(t *testing.T) {
		res := sampleResult()
		res.Filing.DocID = ""
		_, err := Rows(res)
		if err == nil || !strings.Contains(err.Error(), "missing doc_id") {
			t.Fatalf("got %v, want an error naming the missing doc_id", err)
		}
	})
}

func TestRowsZeroTimes(t *testing.T) {
	res := sampleResult()
	res.ExtractedAt = time.Time{}
	res.Filing.PublishedAt = time.Time{}
	rows, err := Rows(res)
	if err != nil {
		t.Fatal(err)
	}
	filing := rows[TableFilings][0]
	if got := column(t, tableFilings, filing, "version"); got != uint64(0) {
		t.Errorf("version: got %v, want 0", got)
	}
	if got := column(t, tableFilings, filing, "extracted_at").(time.Time); !got.Equal(time.Unix(0, 0)) {
		t.Errorf("extracted_at: got %v, want 1970-01-01 00:00:00 UTC", got)
	}
}

func TestDeadLetterID(t *testing.T) {
	a := sampleDeadLetter()
	b := sampleDeadLetter()
	b.Reason, b.Error, b.Attempts = "parse_timeout", "other text", 5
	c := sampleDeadLetter()
	c.Offset++
	if deadLetterID(&a) != deadLetterID(&b) {
		t.Errorf("ids differ for the same message with another reason: %s, %s", deadLetterID(&a), deadLetterID(&b))
	}
	if deadLetterID(&a) == deadLetterID(&c) {
		t.Errorf("ids equal for messages at offsets %d and %d: %s", a.Offset, c.Offset, deadLetterID(&a))
	}
	if got := deadLetterID(&a); len(got) != 16 {
		t.Errorf("id %q: got length %d, want 16", got, len(got))
	}
}

// encodeAll returns the JSONEachRow lines of the sample result and dead
// letter, table by table, as the file sink writes them.
func encodeAll(t *testing.T, res *schemas.Result, dl schemas.DeadLetter) []byte {
	t.Helper()
	rows, err := Rows(res)
	if err != nil {
		t.Fatal(err)
	}
	rows[TableDeadLetters] = []Row{DeadLetterRow(&dl)}
	rows[TableReviewDecisions] = []Row{ReviewDecisionRow(ptr(sampleReviewDecision()))}
	var out bytes.Buffer
	for _, table := range Tables() {
		out.WriteString("-- " + table.Name + "\n")
		for _, row := range rows[table.Name] {
			if err := appendJSONEachRow(&out, table, row); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out.Bytes()
}

func TestRowsGolden(t *testing.T) {
	got := encodeAll(t, sampleResult(), sampleDeadLetter())
	path := filepath.Join("testdata", "rows.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run go test -update)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rows differ from %s (run go test -update after checking the change)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
