package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/internal/testenv"
)

// runDemoCmd runs finx demo with args and returns stdout, stderr and the error.
func runDemoCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	// An empty --brokers selects the embedded broker, whose topics start
	// empty on every run, even when FINX_KAFKA_BROKERS names a real broker.
	// A --brokers in args comes later and wins.
	err := run(ctx, append([]string{"demo", "--brokers", ""}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// readRows reads a JSONEachRow file.
func readRows(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("%s: invalid JSON row: %v", path, err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDemoFixtures(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures")
	if err != nil {
		t.Fatalf("demo failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	t.Logf("summary:\n%s", stdout)

	filings := readRows(t, filepath.Join(out, "filings.json"))
	letters := readRows(t, filepath.Join(out, "dead_letters.json"))
	reasons := map[string]string{}
	for _, dl := range letters {
		reasons[filepath.Base(dl["source_path"].(string))] = dl["reason"].(string)
	}
	wantDead := map[string]string{
		"empty.pdf":     "empty_file",
		"not-a-pdf.pdf": "not_pdf",
		"truncated.pdf": "truncated_pdf",
		"no-body.html":  "no_body",
	}
	for file, reason := range wantDead {
		if reasons[file] != reason {
			t.Errorf("dead letter for %s: reason %q, want %q", file, reasons[file], reason)
		}
	}
	for _, dl := range letters {
		if msg := dl["error"].(string); !strings.Contains(msg, filepath.Base(dl["source_path"].(string))) {
			t.Errorf("dead-letter error %q does not name its file", msg)
		}
	}
	if len(filings) < 3 {
		t.Fatalf("filings rows = %d, want the three fixture filings at least", len(filings))
	}

	risks := readRows(t, filepath.Join(out, "risks.json"))
	metrics := readRows(t, filepath.Join(out, "metrics.json"))
	guidance := readRows(t, filepath.Join(out, "guidance.json"))
	if len(risks) < 3 {
		t.Errorf("risks = %d, want the three fixture risk headings at least", len(risks))
	}
	if len(metrics) == 0 {
		t.Error("metrics = 0, want the fixture's inline XBRL facts")
	}
	if len(guidance) == 0 {
		t.Error("guidance = 0, want the fixture outlook")
	}
	// The fixture 10-K has one high-severity risk, and one fixture lowers a
	// guidance line against the prior range it states.
	if !strings.Contains(stdout, "2 alerts published to risk.flags") {
		t.Errorf("summary does not report the fixtures' two alerts:\n%s", stdout)
	}
	if !strings.Contains(stdout, "dead letter (not_pdf)") {
		t.Errorf("summary does not show the not_pdf dead letter:\n%s", stdout)
	}

	// A second run into the same folder replaces the files, not appends.
	if _, _, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures"); err != nil {
		t.Fatalf("second demo run failed: %v", err)
	}
	if got := len(readRows(t, filepath.Join(out, "filings.json"))); got != len(filings) {
		t.Errorf("filings rows after a second run = %d, want %d", got, len(filings))
	}
}

// TestDemoFilesLoadIntoClickHouse loads the demo's JSONEachRow files with
// clickhouse-client into tables made by schema.sql, as the README describes
// for users.
func TestDemoFilesLoadIntoClickHouse(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	host, port, ok := strings.Cut(addr, ":")
	if !ok {
		t.Fatalf("FINX_CLICKHOUSE_ADDR=%q: want host:port", addr)
	}
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		t.Fatalf("clickhouse-client not found: %v", err)
	}
	out := t.TempDir()
	if stdout, stderr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures"); err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, stdout, stderr)
	}
	db := uniqueDatabase("finx_demo_files_test")
	ch := clickhouseClient(t, client, host, port)
	ch(nil, "--query", "DROP DATABASE IF EXISTS "+db)
	t.Cleanup(func() { ch(nil, "--query", "DROP DATABASE IF EXISTS "+db) })

	ddl, err := os.ReadFile(filepath.Join(out, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	ch(nil, "--multiquery", "--query", renameDatabase(string(ddl), db))
	for _, table := range []string{"filings", "risks", "metrics", "guidance", "dead_letters"} {
		data, err := os.ReadFile(filepath.Join(out, table+".json"))
		if err != nil {
			t.Fatal(err)
		}
		ch(data, "--query", "INSERT INTO "+db+"."+table+" FORMAT JSONEachRow")
		want := len(readRows(t, filepath.Join(out, table+".json")))
		if got := ch(nil, "--query", "SELECT count() FROM "+db+"."+table); got != itoa(want) {
			t.Errorf("%s: %s rows in ClickHouse, want %d", table, got, want)
		}
	}
}

// clickhouseClient returns a function that runs clickhouse-client against
// the test server with stdin and args, and returns its trimmed output.
func clickhouseClient(t *testing.T, client, host, port string) func(stdin []byte, args ...string) string {
	return func(stdin []byte, args ...string) string {
		t.Helper()
		cmd := exec.Command(client, append([]string{"--host", host, "--port", port}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("clickhouse-client %v: %v\n%s", args, err, got)
		}
		return strings.TrimSpace(string(got))
	}
}

// TestDemoClickHouseReplay runs the demo twice into the real ClickHouse:
// tables are created on the first run, and the replay leaves one row per
// item once the ReplacingMergeTree versions are merged.
func TestDemoClickHouseReplay(t *testing.T) {
	addr := testenv.ClickHouseAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		t.Fatalf("clickhouse-client not found: %v", err)
	}
	ch := clickhouseClient(t, client, host, port)
	db := uniqueDatabase("finx_demo_replay_test")
	ch(nil, "--query", "DROP DATABASE IF EXISTS "+db)
	t.Cleanup(func() { ch(nil, "--query", "DROP DATABASE IF EXISTS "+db) })

	blobs := filepath.Join(t.TempDir(), "blobs")
	var counts [2]map[string]string
	for run := range 2 {
		stdout, stderr, err := runDemoCmd(t, "--clickhouse", addr, "--clickhouse-database", db, "--blob-dir", blobs, "../../fixtures")
		if err != nil {
			t.Fatalf("run %d: demo failed: %v\n%s\n%s", run+1, err, stdout, stderr)
		}
		counts[run] = map[string]string{}
		for _, table := range []string{"filings", "risks", "metrics", "guidance", "dead_letters"} {
			ch(nil, "--query", "OPTIMIZE TABLE "+db+"."+table+" FINAL")
			counts[run][table] = ch(nil, "--query", "SELECT count() FROM "+db+"."+table)
		}
	}
	for table, first := range counts[0] {
		if first == "0" && table != "guidance" {
			t.Errorf("%s: no rows after the first run", table)
		}
		if second := counts[1][table]; second != first {
			t.Errorf("%s: %s rows after the replay, want %s (one per item)", table, second, first)
		}
	}
	if got := ch(nil, "--query", "SELECT count() FROM "+db+".dead_letters WHERE reason = 'not_pdf'"); got != "1" {
		t.Errorf("dead_letters with reason not_pdf = %s, want 1", got)
	}
}

// renameDatabase points finx's DDL at another database, so the test leaves
// the finx database alone.
func renameDatabase(ddl, db string) string {
	ddl = strings.ReplaceAll(ddl, "DATABASE IF NOT EXISTS finx", "DATABASE IF NOT EXISTS "+db)
	return strings.ReplaceAll(ddl, "finx.", db+".")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestDemoRealKafka runs the demo's stages through a real Kafka broker
// instead of the embedded one.
func TestDemoRealKafka(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	out := t.TempDir()
	stdout, stderr, err := runDemoCmd(t, "--brokers", brokers, "--group-prefix", "finx-demo-test",
		"--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), "../../fixtures")
	if err != nil {
		t.Fatalf("demo failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stderr, "Kafka "+brokers) {
		t.Errorf("demo did not report using %s:\n%s", brokers, stderr)
	}
	if !strings.Contains(stdout, "10 published, 3 loaded, 7 dead-lettered") {
		t.Errorf("summary does not account for the 10 fixture documents:\n%s", stdout)
	}
}

// TestDemoAccountsForUnreadableAndEmpty runs the demo on a folder with a
// dangling link and a PDF without text: both are dead-lettered with their
// reason and the run still succeeds.
func TestDemoAccountsForUnreadableAndEmpty(t *testing.T) {
	in := t.TempDir()
	if err := os.Symlink(filepath.Join(in, "missing.pdf"), filepath.Join(in, "dangling.pdf")); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile("../../fixtures/html/acme-10k-2026.htm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "10k.htm"), fixture, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "blank.pdf"), blankPDF(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, err := runDemoCmd(t, "--clickhouse", "", "--out", out, "--blob-dir", filepath.Join(out, "blobs"), in)
	if err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, stdout, stderr)
	}
	for _, want := range []string{"dead letter (unreadable)", "dead letter (no_text)", "3 published, 1 loaded, 2 dead-lettered"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

// blankPDF returns a valid one-page PDF whose page draws nothing.
func blankPDF() []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>")
	obj("<< /Length 0 >>\nstream\n\nendstream")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// uniqueDatabase returns a database name of its own for each test run, so
// that runs sharing one ClickHouse server do not drop each other's tables.
func uniqueDatabase(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), time.Now().UnixNano())
}
