package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/connectors/deepseek/deepseektest"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/schemas"
)

// sample is one series of a Prometheus text exposition.
type sample struct {
	name   string
	labels string
	value  float64
}

// scrape fetches url and parses its Prometheus text format. It reads only
// what the tests need: the metric name, the label text between the braces
// and the value.
func scrape(t *testing.T, url string) []sample {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape %s: got status %d, want 200", url, resp.StatusCode)
	}
	var out []sample
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cut := strings.LastIndexByte(line, ' ')
		if cut < 0 {
			t.Fatalf("scrape %s: invalid line %q", url, line)
		}
		value, err := strconv.ParseFloat(line[cut+1:], 64)
		if err != nil {
			t.Fatalf("scrape %s: invalid value in %q: %v", url, line, err)
		}
		series := line[:cut]
		s := sample{name: series, value: value}
		if open := strings.IndexByte(series, '{'); open >= 0 {
			s.name = series[:open]
			s.labels = strings.TrimSuffix(series[open+1:], "}")
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	return out
}

// sum adds the values of the series named name whose labels contain every
// pair in labels, written as `key="value"`. found is false when no series
// matches.
func sum(samples []sample, name string, labels ...string) (total float64, found bool) {
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for _, l := range labels {
			if !strings.Contains(s.labels, l) {
				match = false
				break
			}
		}
		if match {
			total += s.value
			found = true
		}
	}
	return total, found
}

// scrapeSettled scrapes url until group has committed everything on topic:
// a committed lag series for each partition, adding up to 0. The stages
// count a message before they commit it, so the counters are final then.
func scrapeSettled(t *testing.T, url, topic, group string) []sample {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := scrape(t, url)
		var partitions int
		var lag float64
		for _, s := range got {
			if s.name == "finx_kafka_consumer_group_lag_messages" &&
				strings.Contains(s.labels, `topic="`+topic+`"`) && strings.Contains(s.labels, `group="`+group+`"`) {
				partitions++
				lag += s.value
			}
		}
		if partitions == kafka.DefaultPartitions && lag == 0 {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: committed lag of %s on %s is %v over %d partitions, want 0 over %d",
				group, topic, lag, partitions, kafka.DefaultPartitions)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metricsAddr waits for a worker's JSON log line "metrics server started"
// and returns the address it names.
func metricsAddr(t *testing.T, name string, stderr *syncBuffer, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "metrics server started" {
				return rec.Addr
			}
		}
		select {
		case err := <-done:
			t.Fatalf("%s exited before serving metrics: %v\n%s", name, err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s logged no metrics address within 30 s:\n%s", name, stderr.String())
	return ""
}

// checkHealthz asserts that GET url returns status 200.
func checkHealthz(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("healthz: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s: got status %d, want 200", url, resp.StatusCode)
	}
}

// TestWorkerMetricsScrape runs finx extract (with the DeepSeek provider
// against the simulator) and finx load against an embedded broker, publishes
// the fixtures, and scrapes both workers' /metrics and /healthz. Then it
// serves the loaded output and scrapes the review backlog.
func TestWorkerMetricsScrape(t *testing.T) {
	startSim(t, deepseektest.SimConfig{})
	emb, err := kafka.StartEmbedded(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Addrs(), ",")
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	blobs := filepath.Join(dir, "blobs")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	type worker struct {
		name   string
		stderr *syncBuffer
		done   chan error
		base   string
	}
	start := func(args ...string) *worker {
		w := &worker{name: args[0], stderr: &syncBuffer{}, done: make(chan error, 1)}
		args = append(args, "--brokers", brokers, "--blob-dir", blobs,
			"--metrics-addr", "127.0.0.1:0", "--log-format", "json", "--log-level", "info")
		go func() { w.done <- run(ctx, args, io.Discard, w.stderr) }()
		w.base = "http://" + metricsAddr(t, w.name, w.stderr, w.done)
		return w
	}
	extract := start("extract", "--provider", "deepseek", "--llm-cache", "off")
	load := start("load", "--clickhouse", "", "--out", out)

	var stdout, stderr syncBuffer
	if err := run(context.Background(), []string{"publish", "--brokers", brokers, "--blob-dir", blobs, "../../fixtures"}, &stdout, &stderr); err != nil {
		t.Fatalf("publish: %v\n%s", err, stderr.String())
	}
	good, bad := fixtureCounts(t, "../../fixtures")
	deadline := time.Now().Add(90 * time.Second)
	for countLines(filepath.Join(out, "filings.json"))+countLines(filepath.Join(out, "dead_letters.json")) < good+bad {
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s: %d filings and %d dead letters loaded, want %d in all",
				countLines(filepath.Join(out, "filings.json")), countLines(filepath.Join(out, "dead_letters.json")), good+bad)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// needsReview holds the extract stage's count of items with status
	// needs_review by kind, which the review backlog must match.
	needsReview := map[string]float64{}
	t.Run("extract", func(t *testing.T) {
		checkHealthz(t, extract.base+"/healthz")
		got := scrapeSettled(t, extract.base+"/metrics", "filings.raw", "finx-extract")
		exact := []struct {
			name   string
			labels []string
			want   float64
		}{
			{"finx_pipeline_messages_received_total", []string{`stage="extract"`}, float64(good + bad)},
			{"finx_pipeline_messages_total", []string{`stage="extract"`, `outcome="ok"`}, float64(good)},
			{"finx_pipeline_dead_letters_total", []string{`stage="extract"`}, float64(bad)},
			{"finx_pipeline_parse_failures_total", nil, float64(bad)},
			{"finx_kafka_messages_total", []string{`topic="filings.raw"`, `client="reader"`}, float64(good + bad)},
			{"finx_kafka_consumer_group_lag_errors_total", []string{`topic="filings.raw"`, `group="finx-extract"`}, 0},
		}
		for _, c := range exact {
			v, found := sum(got, c.name, c.labels...)
			if !found || v != c.want {
				t.Errorf("%s%v: got %v (found %v), want %v", c.name, c.labels, v, found, c.want)
			}
		}

		positive := []struct {
			name   string
			labels []string
		}{
			{"finx_pipeline_citations_checked_total", nil},
			{"finx_pipeline_citations_verified_total", nil},
			{"finx_pipeline_items_total", []string{`kind="risk"`}},
			{"finx_pipeline_xbrl_checks_total", nil},
			{"finx_llm_calls_total", []string{`outcome="ok"`}},
			{"finx_llm_tokens_total", nil},
			{"finx_llm_cost_usd_total", nil},
			{"finx_pipeline_stage_seconds_count", []string{`stage="extract"`}},
		}
		for _, c := range positive {
			if v, found := sum(got, c.name, c.labels...); !found || v <= 0 {
				t.Errorf("%s%v: got %v (found %v), want more than 0", c.name, c.labels, v, found)
			}
		}

		present := []struct {
			name   string
			labels []string
		}{
			{"finx_pipeline_quotes_rejected_total", nil},
			{"finx_pipeline_xbrl_checks_total", []string{`result="disagree"`}},
			{"finx_kafka_reader_lag_messages", []string{`topic="filings.raw"`, `group="finx-extract"`}},
			{"finx_llm_hallucinated_quotes_total", nil},
		}
		for _, c := range present {
			if v, found := sum(got, c.name, c.labels...); !found || v < 0 {
				t.Errorf("%s%v: got %v (found %v), want a series of 0 or more", c.name, c.labels, v, found)
			}
		}

		for _, kind := range []string{"risk", "metric", "guidance"} {
			needsReview[kind], _ = sum(got, "finx_pipeline_items_total", `kind="`+kind+`"`, `status="needs_review"`)
		}

		checked, _ := sum(got, "finx_pipeline_citations_checked_total")
		verified, _ := sum(got, "finx_pipeline_citations_verified_total")
		if verified > checked {
			t.Errorf("citations verified %v, checked %v: want verified at most checked", verified, checked)
		}
	})

	t.Run("load", func(t *testing.T) {
		checkHealthz(t, load.base+"/healthz")
		got := scrapeSettled(t, load.base+"/metrics", "filings.extracted", "finx-load")
		exact := []struct {
			name   string
			labels []string
			want   float64
		}{
			{"finx_pipeline_messages_received_total", []string{`stage="load"`}, float64(good)},
			{"finx_pipeline_messages_total", []string{`stage="load"`, `outcome="ok"`}, float64(good)},
			{"finx_kafka_messages_total", []string{`topic="filings.dlq"`, `client="reader"`}, float64(bad)},
		}
		for _, c := range exact {
			v, found := sum(got, c.name, c.labels...)
			if !found || v != c.want {
				t.Errorf("%s%v: got %v (found %v), want %v", c.name, c.labels, v, found, c.want)
			}
		}
		if v, found := sum(got, "finx_kafka_reader_lag_messages", `topic="filings.extracted"`, `group="finx-load"`); !found || v < 0 {
			t.Errorf("finx_kafka_reader_lag_messages of filings.extracted: got %v (found %v), want a series of 0 or more", v, found)
		}
	})

	stop()
	for _, w := range []*worker{extract, load} {
		if err := <-w.done; err != nil {
			t.Errorf("%s exited with %v after cancel, want nil\n%s", w.name, err, w.stderr.String())
		}
	}

	// With --log-format json every line on stderr is one JSON record.
	for _, w := range []*worker{extract, load} {
		lines := 0
		for _, line := range strings.Split(strings.TrimSpace(w.stderr.String()), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Errorf("%s stderr line %q is not JSON: %v", w.name, line, err)
				continue
			}
			if rec["level"] == nil || rec["msg"] == nil || rec["time"] == nil {
				t.Errorf("%s log record %q: want time, level and msg keys", w.name, line)
			}
			lines++
		}
		if lines < 3 {
			t.Errorf("%s logged %d records, want at least 3 (metrics server, stage started, stage stopped)", w.name, lines)
		}
	}

	t.Run("serve", func(t *testing.T) {
		// Two stored decisions on metrics, one a correction: the correction
		// ratio of metrics is 0.5. Their item ids match no loaded item, so
		// the backlog stays as loaded.
		decided := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		var decisions []schemas.ReviewDecision
		for i, action := range []string{schemas.ActionCorrect, schemas.ActionAccept} {
			decisions = append(decisions, schemas.ReviewDecision{
				SchemaVersion: schemas.SchemaVersion,
				DecisionID:    fmt.Sprintf("decision-%d", i),
				DocID:         strings.Repeat("ab", 32),
				Kind:          schemas.KindMetric,
				ItemID:        fmt.Sprintf("%016x", i),
				Action:        action,
				Reviewer:      "metrics test",
				Provider:      "deepseek",
				DecidedAt:     decided,
			})
		}
		fsink, err := clickhouse.NewFileSink(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := fsink.WriteReviewDecisions(context.Background(), decisions); err != nil {
			t.Fatal(err)
		}
		fsink.Close()

		t.Setenv(envServeToken, "")
		base := startServe(t, "--out", out, "--clickhouse", "")
		checkHealthz(t, base+"/healthz")
		got := scrape(t, base+"/metrics")
		for _, kind := range []string{"risk", "metric", "guidance"} {
			backlog, found := sum(got, "finx_review_backlog_items", `kind="`+kind+`"`)
			if want := needsReview[kind]; !found || backlog != want {
				t.Errorf("finx_review_backlog_items{kind=%q}: got %v (found %v), want %v as extracted with status needs_review", kind, backlog, found, want)
			}
		}
		if needsReview["risk"]+needsReview["metric"]+needsReview["guidance"] == 0 {
			t.Error("the fixtures gave no item with status needs_review, so the backlog check proves nothing")
		}
		ratio, found := sum(got, "finx_review_correction_ratio", `kind="metric"`, `provider="deepseek"`)
		if !found || ratio != 0.5 {
			t.Errorf("finx_review_correction_ratio of metrics: got %v (found %v), want 0.5", ratio, found)
		}
	})
}

// TestLogFormatInvalid checks that the long-running commands take
// --log-format and reject an unknown format before they connect anywhere.
func TestLogFormatInvalid(t *testing.T) {
	tests := [][]string{
		{"extract", "--metrics-addr", ""},
		{"load", "--metrics-addr", ""},
		{"serve", "--addr", "127.0.0.1:0"},
		{"publish", "PATH"},
	}
	for _, tt := range tests {
		t.Run(tt[0], func(t *testing.T) {
			// Flags go before the positional arguments.
			args := append([]string{tt[0], "--log-format", "xml"}, tt[1:]...)
			var stdout, stderr syncBuffer
			err := run(context.Background(), args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), `invalid --log-format "xml"`) {
				t.Errorf("got %v, want an invalid --log-format error", err)
			}
		})
	}
}
