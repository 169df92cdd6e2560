package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
	"github.com/finx-dev/finx/schemas"
)

// These tests load the file sink's output (schema.sql and the JSONEachRow
// files) into chdb, an in-process build of a current ClickHouse release. They
// check that the DDL, the files and the documented queries work on current
// servers, as the server tests do on clickhouse-server 18.16.
// FINX_CHDB_PYTHON names a Python interpreter that can import chdb, and
// scripts/test creates that virtualenv and sets it.

// chdbScript loads a FileSink folder into chdb and prints the read-back as
// one JSON object.
const chdbScript = "testdata/chdb/load_and_query.py"

// chdbTimeout bounds one run of chdbScript. The runs here take a few seconds.
const chdbTimeout = 5 * time.Minute

// minChdbMajor is the oldest ClickHouse major version that counts as
// current. ClickHouse numbers releases year.month, so 23.x came out in 2023.
const minChdbMajor = 23

// chdbPython returns the interpreter named by FINX_CHDB_PYTHON. Like the
// lookups of internal/testenv, it skips the test when the variable is unset,
// and fails it instead under CI=true.
func chdbPython(t *testing.T) string {
	t.Helper()
	python := os.Getenv("FINX_CHDB_PYTHON")
	if python != "" {
		return python
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("FINX_CHDB_PYTHON is not set: CI needs a Python with chdb (scripts/test creates the virtualenv and sets it)")
	}
	t.Skip("FINX_CHDB_PYTHON is not set; skipping the test that needs a Python with chdb (scripts/test sets it)")
	return ""
}

// chdbOutput is the JSON object that chdbScript prints.
type chdbOutput struct {
	ChdbVersion   string                       `json:"chdb_version"`
	Version       string                       `json:"version"`
	Statements    int                          `json:"statements"`
	Tables        map[string]chdbTable         `json:"tables"`
	Decimals      []chdbDecimal                `json:"decimals"`
	LatestRisks   []map[string]json.RawMessage `json:"latest_risks"`
	FinalRisks    []chdbFinalRisk              `json:"final_risks"`
	ReadmeLoad    map[string]chdbCounts        `json:"readme_load"`
	ArgmaxMetrics []chdbArgmaxMetric           `json:"argmax_metrics"`
	// Queries holds the rows of each query passed to runChdb, by name;
	// a query that failed is null here and listed in Errors.
	Queries map[string][]map[string]json.RawMessage `json:"queries"`
	Errors  []chdbError                             `json:"errors"`
}

type chdbTable struct {
	Lines          int               `json:"lines"`
	Count          uint64            `json:"count"`
	CountFinal     uint64            `json:"count_final"`
	CountOptimized uint64            `json:"count_optimized"`
	Rows           []json.RawMessage `json:"rows"`
}

// chdbCounts are the row counts after the README's plain INSERT.
type chdbCounts struct {
	Count      uint64 `json:"count"`
	CountFinal uint64 `json:"count_final"`
}

type chdbDecimal struct {
	Table           string  `json:"table"`
	Column          string  `json:"column"`
	DocID           string  `json:"doc_id"`
	ID              string  `json:"id"`
	Version         uint64  `json:"version"`
	Text            string  `json:"text"`
	IsNull          int     `json:"is_null"`
	ToString        *string `json:"to_string"`
	ToDecimalString *string `json:"to_decimal_string"`
}

type chdbFinalRisk struct {
	DocID   string `json:"doc_id"`
	ID      string `json:"id"`
	Heading string `json:"heading"`
	Version uint64 `json:"version"`
}

type chdbArgmaxMetric struct {
	DocID           string  `json:"doc_id"`
	ID              string  `json:"id"`
	LatestValueText string  `json:"latest_value_text"`
	LatestValue     *string `json:"latest_value"`
	// LatestNonNullValue is argMax(value, version), which skips rows whose
	// value is NULL.
	LatestNonNullValue *string `json:"latest_non_null_value"`
	LatestVersion      uint64  `json:"latest_version"`
}

type chdbError struct {
	Step  string `json:"step"`
	SQL   string `json:"sql"`
	Error string `json:"error"`
}

// runChdb runs chdbScript on the FileSink folder dir and returns its output.
// queries, when not nil, are run by name after the loads. Each statement
// that ClickHouse rejected fails the test with its error.
func runChdb(t *testing.T, python, dir string, queries ...map[string]string) chdbOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chdbTimeout)
	defer cancel()
	args := []string{chdbScript, dir}
	if len(queries) > 0 {
		data, err := json.Marshal(queries[0])
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "queries.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	runErr := cmd.Run()
	elapsed := time.Since(start)

	var out chdbOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("%s %s %s: %v (output is not JSON: %v)\nstderr:\n%s", python, chdbScript, dir, runErr, err, stderr.String())
	}
	for _, e := range out.Errors {
		t.Errorf("ClickHouse %s rejected %s (%q): %s", out.Version, e.Step, e.SQL, e.Error)
	}
	var exitErr *exec.ExitError
	if runErr != nil && !(errors.As(runErr, &exitErr) && len(out.Errors) > 0) {
		t.Fatalf("%s %s: %v\nstderr:\n%s", python, chdbScript, runErr, stderr.String())
	}
	t.Logf("chdb %s (ClickHouse %s) loaded and queried %s in %v", out.ChdbVersion, out.Version, dir, elapsed.Round(time.Millisecond))
	return out
}

// fileRow is one line of a table file.
type fileRow struct {
	values  map[string]any
	key     string
	version uint64
}

// readTableFile decodes each line of the table's file, keeping numbers as
// their text.
func readTableFile(t *testing.T, dir string, table Table) []fileRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, table.Name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []fileRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		values, err := decodeRow(sc.Bytes())
		if err != nil {
			t.Fatalf("%s.json line %d: %v", table.Name, n, err)
		}
		rows = append(rows, fileRow{values: values, key: rowKey(table, values), version: rowVersion(t, values)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func decodeRow(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var values map[string]any
	if err := dec.Decode(&values); err != nil {
		return nil, err
	}
	return values, nil
}

// keyColumns returns the columns of the table's sorting key.
func keyColumns(table Table) []string {
	key := strings.TrimSuffix(strings.TrimPrefix(table.OrderBy, "("), ")")
	cols := strings.Split(key, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}

// rowKey returns the sorting key of a decoded row as text.
func rowKey(table Table, values map[string]any) string {
	var parts []string
	for _, c := range keyColumns(table) {
		parts = append(parts, fmt.Sprint(values[c]))
	}
	return strings.Join(parts, "/")
}

func rowVersion(t *testing.T, values map[string]any) uint64 {
	t.Helper()
	n, ok := values["version"].(json.Number)
	if !ok {
		t.Fatalf("version: got %T %v, want a JSON number", values["version"], values["version"])
	}
	v, err := strconv.ParseUint(n.String(), 10, 64)
	if err != nil {
		t.Fatalf("version %s: %v", n, err)
	}
	return v
}

// latestRows returns, per sorting key, the row with the largest version:
// the row that FINAL, argMax and latest_risks must return.
func latestRows(rows []fileRow) map[string]fileRow {
	latest := make(map[string]fileRow)
	for _, r := range rows {
		if cur, ok := latest[r.key]; !ok || r.version > cur.version {
			latest[r.key] = r
		}
	}
	return latest
}

// latestItems is latestRows keyed by doc_id/id, the key of the latest_*
// views. An item's sorting key adds columns that doc_id and id determine,
// so both maps hold the same rows.
func latestItems(rows []fileRow) map[string]fileRow {
	out := make(map[string]fileRow)
	for _, r := range latestRows(rows) {
		out[fmt.Sprint(r.values["doc_id"])+"/"+fmt.Sprint(r.values["id"])] = r
	}
	return out
}

// sameValue reports whether a value read back equals the value in the file.
// Numbers compare as exact rationals, because ClickHouse prints 1 for the
// Float64 1 and drops trailing fraction zeros of decimals.
func sameValue(got, want any) bool {
	gn, gok := got.(json.Number)
	wn, wok := want.(json.Number)
	if gok && wok {
		g, gok := new(big.Rat).SetString(gn.String())
		w, wok := new(big.Rat).SetString(wn.String())
		return gok && wok && g.Cmp(w) == 0
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	return bytes.Equal(gj, wj)
}

// padDecimal returns the canonical decimal s with exactly decimalScale
// fraction digits, as toDecimalString(x, 6) prints it.
func padDecimal(s string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	return intPart + "." + frac + strings.Repeat("0", decimalScale-len(frac))
}

// checkChdbLoad checks the output of chdbScript against the files of the
// FileSink folder dir. Every statement must run and every line must read back
// value for value. Each decimal must be exact, and FINAL, argMax and
// latest_risks must return the newest version of each key.
func checkChdbLoad(t *testing.T, dir string, out chdbOutput) {
	t.Helper()
	major, _, _ := strings.Cut(out.Version, ".")
	if n, err := strconv.Atoi(major); err != nil || n < minChdbMajor {
		t.Errorf("SELECT version(): got %q, want major version %d or later", out.Version, minChdbMajor)
	}
	if want := len(DDL(DefaultDatabase)); out.Statements != want {
		t.Errorf("statements run from %s: got %d, want %d", SchemaFile, out.Statements, want)
	}

	files := make(map[string][]fileRow)
	for _, table := range Tables() {
		rows := readTableFile(t, dir, table)
		files[table.Name] = rows
		t.Run(table.Name, func(t *testing.T) {
			checkChdbTable(t, table, rows, out.Tables[table.Name])
			checkReadmeLoad(t, rows, out.ReadmeLoad[table.Name])
		})
	}

	t.Run("decimals", func(t *testing.T) {
		checkChdbDecimals(t, files, out.Decimals)
	})
	t.Run("latest_risks", func(t *testing.T) {
		checkLatestRisks(t, files[TableRisks], out.LatestRisks, out.FinalRisks)
	})
	t.Run("metrics argMax", func(t *testing.T) {
		checkArgmaxMetrics(t, files[TableMetrics], out.ArgmaxMetrics)
	})
}

func checkChdbTable(t *testing.T, table Table, rows []fileRow, got chdbTable) {
	if got.Lines != len(rows) {
		t.Errorf("lines loaded: got %d, want %d", got.Lines, len(rows))
	}
	if got.Count != uint64(len(rows)) {
		t.Errorf("count(): got %d, want %d, one row per line", got.Count, len(rows))
	}
	keys := uint64(len(latestRows(rows)))
	if got.CountFinal != keys {
		t.Errorf("count() FINAL: got %d, want %d, one row per sorting key", got.CountFinal, keys)
	}
	if got.CountOptimized != keys {
		t.Errorf("count() after OPTIMIZE TABLE FINAL: got %d, want %d, one row per sorting key", got.CountOptimized, keys)
	}

	// Every column of every line reads back as written. Lines with the same
	// key and version are identical, so they compare with any of their copies.
	stored := make(map[string]map[string]any)
	for i, raw := range got.Rows {
		values, err := decodeRow(raw)
		if err != nil {
			t.Fatalf("row %d read back: %v", i, err)
		}
		stored[fmt.Sprintf("%s@%d", rowKey(table, values), rowVersion(t, values))] = values
	}
	if len(got.Rows) != len(rows) {
		t.Errorf("rows read back: got %d, want %d", len(got.Rows), len(rows))
	}
	for _, r := range rows {
		id := fmt.Sprintf("%s@%d", r.key, r.version)
		values, ok := stored[id]
		if !ok {
			t.Errorf("row %s: not read back", id)
			continue
		}
		for _, c := range table.Columns {
			if !sameValue(values[c.Name], r.values[c.Name]) {
				t.Errorf("row %s column %s: got %#v, want %#v", id, c.Name, values[c.Name], r.values[c.Name])
			}
		}
		if len(values) != len(table.Columns) {
			t.Errorf("row %s: got %d columns, want %d", id, len(values), len(table.Columns))
		}
	}
}

// checkReadmeLoad checks the counts after the README's load command, which
// uses the server's default settings. Current releases default to
// optimize_on_insert=1, which collapses rows with the same sorting key inside
// one INSERT as a merge would, so count() may lie anywhere between the number
// of keys and the number of lines.
func checkReadmeLoad(t *testing.T, rows []fileRow, got chdbCounts) {
	keys := uint64(len(latestRows(rows)))
	lines := uint64(len(rows))
	if got.Count < keys || got.Count > lines {
		t.Errorf("count() after the README's INSERT: got %d, want between %d keys and %d lines", got.Count, keys, lines)
	}
	if got.CountFinal != keys {
		t.Errorf("count() FINAL after the README's INSERT: got %d, want %d, one row per sorting key", got.CountFinal, keys)
	}
	t.Logf("README's INSERT of %d lines with %d keys: count() %d, count() FINAL %d", lines, keys, got.Count, got.CountFinal)
}

func checkChdbDecimals(t *testing.T, files map[string][]fileRow, decimals []chdbDecimal) {
	// Every Nullable(Decimal) column of the DDL must be checked, each on
	// every row of its table.
	want := make(map[string]int)
	for _, table := range Tables() {
		for _, c := range table.Columns {
			if c.Type == typeDecimal {
				want[table.Name+"."+c.Name] = len(files[table.Name])
			}
		}
	}
	got := make(map[string]int)
	for _, d := range decimals {
		got[d.Table+"."+d.Column]++
		where := fmt.Sprintf("%s.%s of %s/%s@%d", d.Table, d.Column, d.DocID, d.ID, d.Version)
		canonical, ok := canonicalDecimal(d.Text)
		if !ok {
			if d.IsNull != 1 {
				t.Errorf("%s: got isNull %d for text %q beyond Decimal(38, 6), want 1", where, d.IsNull, d.Text)
			}
			continue
		}
		if d.IsNull != 0 || d.ToString == nil || d.ToDecimalString == nil {
			t.Errorf("%s: got NULL for text %q, want the decimal", where, d.Text)
			continue
		}
		if *d.ToString != canonical {
			t.Errorf("%s: got toString %q, want %q (text %q)", where, *d.ToString, canonical, d.Text)
		}
		if padded := padDecimal(canonical); *d.ToDecimalString != padded {
			t.Errorf("%s: got toDecimalString %q, want %q (text %q)", where, *d.ToDecimalString, padded, d.Text)
		}
	}
	for col, n := range want {
		if got[col] != n {
			t.Errorf("decimal column %s: got %d rows checked, want %d", col, got[col], n)
		}
	}
	for col := range got {
		if _, ok := want[col]; !ok {
			t.Errorf("decimal column %s: checked, but the DDL has no such Nullable(Decimal) column", col)
		}
	}
}

func checkLatestRisks(t *testing.T, rows []fileRow, view []map[string]json.RawMessage, final []chdbFinalRisk) {
	latest := latestItems(rows)
	if len(latest) == 0 {
		t.Fatal("risks.json has no rows, so latest_risks cannot be checked")
	}
	if len(view) != len(latest) {
		t.Errorf("%s: got %d rows, want %d, one per (doc_id, id)", ViewLatestRisks, len(view), len(latest))
	}
	for _, v := range view {
		var docID, id, heading string
		var version uint64
		for name, dst := range map[string]any{"doc_id": &docID, "id": &id, "heading": &heading, "latest_version": &version} {
			if err := json.Unmarshal(v[name], dst); err != nil {
				t.Fatalf("%s column %s: %v", ViewLatestRisks, name, err)
			}
		}
		want, ok := latest[docID+"/"+id]
		if !ok {
			t.Errorf("%s: got row %s/%s, which risks.json lacks", ViewLatestRisks, docID, id)
			continue
		}
		if heading != want.values["heading"] || version != want.version {
			t.Errorf("%s row %s/%s: got heading %q version %d, want %q version %d", ViewLatestRisks, docID, id, heading, version, want.values["heading"], want.version)
		}
	}

	if len(final) != len(latest) {
		t.Errorf("risks FINAL: got %d rows, want %d", len(final), len(latest))
	}
	for _, f := range final {
		want, ok := latest[f.DocID+"/"+f.ID]
		if !ok {
			t.Errorf("risks FINAL: got row %s/%s, which risks.json lacks", f.DocID, f.ID)
			continue
		}
		if f.Heading != want.values["heading"] || f.Version != want.version {
			t.Errorf("risks FINAL row %s/%s: got heading %q version %d, want %q version %d", f.DocID, f.ID, f.Heading, f.Version, want.values["heading"], want.version)
		}
	}
}

func checkArgmaxMetrics(t *testing.T, rows []fileRow, argmax []chdbArgmaxMetric) {
	latest := latestItems(rows)
	if len(argmax) != len(latest) {
		t.Errorf("argMax rows: got %d, want %d, one per (doc_id, id)", len(argmax), len(latest))
	}
	for _, a := range argmax {
		want, ok := latest[a.DocID+"/"+a.ID]
		if !ok {
			t.Errorf("argMax: got row %s/%s, which metrics.json lacks", a.DocID, a.ID)
			continue
		}
		text, _ := want.values["value_text"].(string)
		if a.LatestValueText != text || a.LatestVersion != want.version {
			t.Errorf("argMax row %s/%s: got value_text %q version %d, want %q version %d", a.DocID, a.ID, a.LatestValueText, a.LatestVersion, text, want.version)
		}
		canonical, ok := canonicalDecimal(text)
		switch {
		case !ok && a.LatestValue != nil:
			t.Errorf("argMax row %s/%s: got value %q for text %q beyond Decimal(38, 6), want NULL", a.DocID, a.ID, *a.LatestValue, text)
		case ok && a.LatestValue == nil:
			t.Errorf("argMax row %s/%s: got value NULL, want %q", a.DocID, a.ID, canonical)
		case ok && *a.LatestValue != canonical:
			t.Errorf("argMax row %s/%s: got value %q, want %q", a.DocID, a.ID, *a.LatestValue, canonical)
		}
	}
}

func derefOrNull(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

// writeFileSink writes the results and dead letters with a FileSink to a
// new folder and returns it.
func writeFileSink(t *testing.T, batches [][]*schemas.Result, letters []schemas.DeadLetter) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "finx-out")
	s, err := NewFileSink(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, results := range batches {
		if err := s.Write(ctx, results); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.WriteDeadLetters(ctx, letters); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestChdbLoadsFileSinkReplay loads the sample result written three times,
// as a replayed document is: the first extraction, a newer one that changes
// a heading, two metric values and a guidance bound, and the first again
// after it. The newest version must win in FINAL, argMax and latest_risks
// whatever the line order.
func TestChdbLoadsFileSinkReplay(t *testing.T) {
	python := chdbPython(t)

	first := sampleResult()
	second := sampleResult()
	second.ExtractedAt = first.ExtractedAt.Add(time.Hour)
	second.Risks[0].Heading = "Supply risk, second extraction"
	second.Metrics[1].Value = "-0.05"
	// 35 integer digits: beyond Decimal(38, 6), so the newest value is NULL.
	second.Metrics[2].Value = "12345678901234567890123456789012345"
	second.Guidance[0].PriorHigh = "4.65"

	firstLetter := sampleDeadLetter()
	laterLetter := sampleDeadLetter()
	laterLetter.Reason = "parse_timeout"
	laterLetter.FailedAt = firstLetter.FailedAt.Add(time.Minute)
	otherLetter := sampleDeadLetter()
	otherLetter.Offset = 42

	dir := writeFileSink(t, [][]*schemas.Result{{first}, {second}, {first}}, []schemas.DeadLetter{firstLetter, otherLetter, laterLetter})
	out := runChdb(t, python, dir)
	checkChdbLoad(t, dir, out)

	// The generic checks above derive their expectations from the files;
	// these pin the sample's values, so that a wrong file cannot pass them.
	wantCounts := map[string][2]uint64{
		TableFilings:     {3, 1},
		TableRisks:       {3, 1},
		TableMetrics:     {15, 5},
		TableGuidance:    {3, 1},
		TableDeadLetters: {3, 2},
	}
	for table, want := range wantCounts {
		got := out.Tables[table]
		if got.Count != want[0] || got.CountFinal != want[1] {
			t.Errorf("%s: got count() %d and count() FINAL %d, want %d and %d", table, got.Count, got.CountFinal, want[0], want[1])
		}
	}
	if len(out.FinalRisks) != 1 || out.FinalRisks[0].Heading != second.Risks[0].Heading {
		t.Errorf("risks FINAL: got %+v, want one row with heading %q", out.FinalRisks, second.Risks[0].Heading)
	}
	values := make(map[string]string)
	for _, a := range out.ArgmaxMetrics {
		values[a.ID] = derefOrNull(a.LatestValue)
	}
	wantValues := map[string]string{
		"1111111111111111": "391035000000",
		"2222222222222222": "-0.05",
		"3333333333333333": "NULL",
		"4444444444444444": "39000966000",
		"5555555555555555": "NULL",
	}
	for id, want := range wantValues {
		if values[id] != want {
			t.Errorf("argMax(value, version) of %s: got %s, want %s", id, values[id], want)
		}
	}
	// argMax(value, version) skips NULL values on current releases (and on
	// 18.16.1), so it returns the older 0.33. Queries that need the newest
	// value of a Nullable column take it from argMax(tuple(value), version).
	for _, a := range out.ArgmaxMetrics {
		if a.ID == "3333333333333333" && (a.LatestNonNullValue == nil || *a.LatestNonNullValue != "0.33") {
			t.Errorf("argMax(value, version) of %s: got %v, want 0.33, the newest value that is not NULL", a.ID, derefOrNull(a.LatestNonNullValue))
		}
	}

	var priorHigh []string
	for _, d := range out.Decimals {
		if d.Column == "prior_high" && d.ToString != nil {
			priorHigh = append(priorHigh, *d.ToString)
		}
	}
	if !slices.Equal(priorHigh, []string{"4.65"}) {
		t.Errorf("guidance.prior_high values: got %q, want [4.65] from the second extraction only", priorHigh)
	}
}

// TestChdbLoadsCorpusGold loads the hand-checked facts of the corpus gold
// set, written by the file sink, and checks each value read back.
func TestChdbLoadsCorpusGold(t *testing.T) {
	python := chdbPython(t)
	corpus := testenv.Corpus(t)
	results := goldResults(t, corpus)

	dir := writeFileSink(t, [][]*schemas.Result{results}, nil)
	out := runChdb(t, python, dir)
	checkChdbLoad(t, dir, out)

	var metrics, guidance int
	for _, r := range results {
		metrics += len(r.Metrics)
		guidance += len(r.Guidance)
	}
	if got := out.Tables[TableMetrics].Count; got != uint64(metrics) {
		t.Errorf("metrics: got %d rows, want %d gold numbers", got, metrics)
	}
	if got := out.Tables[TableGuidance].Count; got != uint64(guidance) {
		t.Errorf("guidance: got %d rows, want %d gold ranges", got, guidance)
	}
	if !t.Failed() {
		t.Logf("gold set: %d documents, %d metrics, %d guidance ranges stored exactly on ClickHouse %s", len(results), metrics, guidance, out.Version)
	}
}
